import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ExitRecords } from '../../../src/records/types';
import { calibrateRecords } from '../../../src/calibration/methods';
import { exitTemperature } from '../../../src/calibration/applyCalibration';
import { fitTemperatureExact } from '../../../src/calibration/temperatureFit';
import { perExitTemperatureRefit } from '../../../src/study/stats/refitKeys';
import { perBranchTemperatureRefit, globalTemperatureRefit } from '../../../src/study/stats/cascadeRefits';
import { drawIndices, subsetRecords } from '../../../src/study/stats/resample';
import { createRng } from '../../../src/util/rng';

/**
 * The bootstrap's refit is the library's exact solver, so it must agree with `calibrateRecords`
 * on a resample in the cases a hand-rolled Newton got wrong: an exit where every prediction is
 * correct (no finite optimum: T clips to 0.01), an exit whose rows are constant (every T equal:
 * T = 1) and an exit whose logits anti-predict the labels (T clips to 100).
 */
const C = 3;
const N = 60;

function edgeRecords(seed: number): ExitRecords {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: N }, (_, i) => i % C);
  const correct = new Float64Array(N * C);
  const constant = new Float64Array(N * C);
  const anti = new Float64Array(N * C);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < C; k++) {
      const r = rng.next();
      correct[i * C + k] = k === labels[i] ? 2 + 3 * r : r; // label logit always the largest
      constant[i * C + k] = 0.7; // every class alike
      anti[i * C + k] = k === labels[i] ? -2 - 3 * r : r; // label logit always the smallest
    }
  }
  return { numSamples: N, numClasses: C, numExits: 3, labels, logits: [correct, constant, anti] };
}

/** max softmax(z / T) of row i. */
function confidence(z: ArrayLike<number>, i: number, T: number): number {
  let m = -Infinity;
  for (let k = 0; k < C; k++) m = Math.max(m, z[i * C + k] / T);
  let s = 0;
  for (let k = 0; k < C; k++) s += Math.exp(z[i * C + k] / T - m);
  return 1 / s;
}

const val = edgeRecords(1);
const test_ = edgeRecords(2);

test('edge cases, hand-derived: all correct → T = 0.01 (min bound), constant rows → T = 1, anti-predicting → T = 100 (max bound)', () => {
  const run = calibrateRecords(val, 'temperature');
  assert.deepEqual(
    [0, 1, 2].map((e) => exitTemperature(run, e)),
    [0.01, 1, 100],
  );
});

test('per-exit refit on a resample: the same temperatures as calibrateRecords on the resampled rows, edge cases included', () => {
  const refit = perExitTemperatureRefit(val, test_);
  for (const seed of [3, 4, 5]) {
    const idx = drawIndices(N, createRng(seed));
    const ref = calibrateRecords(subsetRecords(val, idx), 'temperature');
    const keys = refit(idx);
    for (let e = 0; e < 3; e++) {
      const T = exitTemperature(ref, e) as number;
      for (let i = 0; i < N; i++)
        assert.ok(Math.abs(keys.keys[e][i] - confidence(test_.logits[e], i, T)) < 1e-12, `exit ${e + 1} row ${i}`);
    }
  }
});

test('per-branch and global refits on a resample match calibrateRecords on the resampled rows', () => {
  const subset = { pTar: 0.8, fallback: 'final' as const };
  for (const [method, refit] of [
    ['per-branch', perBranchTemperatureRefit(val, test_, subset)],
    ['global', globalTemperatureRefit(val, test_, subset)],
  ] as const) {
    const idx = drawIndices(N, createRng(7));
    const ref = calibrateRecords(subsetRecords(val, idx), method, { pTar: 0.8 });
    const keys = refit(idx);
    for (let e = 0; e < 3; e++) {
      const T = exitTemperature(ref, e) as number;
      for (let i = 0; i < N; i++)
        assert.ok(
          Math.abs(keys.keys[e][i] - confidence(test_.logits[e], i, T)) / keys.keys[e][i] < 1e-9,
          `${method} exit ${e + 1} row ${i}: T ${T}`,
        );
    }
  }
});

test('weights are multiplicities: the weighted fit equals the fit on the repeated rows; a warm start changes nothing', () => {
  const rng = createRng(11);
  const n = 40;
  const y = Int32Array.from({ length: n }, (_, i) => i % C);
  const z = Float64Array.from({ length: n * C }, (_, j) => 3 * rng.next() + (j % C === y[Math.floor(j / C)] ? 1 : 0));
  const w = Int32Array.from({ length: n }, () => Math.floor(3 * rng.next()));
  const rows: number[] = [];
  w.forEach((m, i) => {
    for (let r = 0; r < m; r++) rows.push(i);
  });
  const zRep = Float64Array.from(rows.flatMap((i) => Array.from(z.subarray(i * C, (i + 1) * C))));
  const yRep = Int32Array.from(rows, (i) => y[i]);
  const a = fitTemperatureExact(z, y, C, { weights: w }).temperature;
  const b = fitTemperatureExact(zRep, yRep, C).temperature;
  const c = fitTemperatureExact(z, y, C, { weights: w, initialTemperature: 7 }).temperature;
  assert.ok(Math.abs(a - b) / b < 1e-7, `${a} vs ${b}`);
  assert.ok(Math.abs(a - c) / b < 1e-7, `${a} vs ${c}`);
  assert.throws(() => fitTemperatureExact(z, y, C, { weights: new Int32Array(n) }), /every weight is 0/);
});
