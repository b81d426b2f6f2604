import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TemperatureScaling,
  fitGlobalTemperature,
  fitPerBranchTemperatures,
  fitPerExit,
  fitTemperatureExact,
  selectRows,
  uncalibratedExitAssignment,
} from '../../src/calibration';
import type { ExitRecords } from '../../src/records/types';
import { createRng } from '../../src/util/rng';

/** Three exits, later exits more confident and more accurate. */
function records(seed: number, n = 300, C = 4): ExitRecords {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const logits = [0, 1, 2].map((e) => {
    const l = new Float64Array(n * C);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < C; k++) l[i * C + k] = 1.5 * rng.normal();
      l[i * C + (rng.next() < 0.55 + 0.15 * e ? labels[i] : rng.int(C))] += 1 + e + 2 * rng.next();
    }
    return l;
  });
  return { numSamples: n, numClasses: C, numExits: 3, labels, logits };
}

/** Max softmax by hand. */
function conf(l: Float64Array, C: number, i: number): number {
  const row = Array.from(l.subarray(i * C, (i + 1) * C));
  const m = Math.max(...row);
  return 1 / row.reduce((s, v) => s + Math.exp(v - m), 0);
}

test("uncalibrated exit assignment is the paper's cascade at p_tar (conf ≥ p_tar, final exit otherwise)", () => {
  const r = records(1);
  const a = uncalibratedExitAssignment(r, { pTar: 0.7 });
  for (let i = 0; i < r.numSamples; i++) {
    const expected =
      conf(r.logits[0] as Float64Array, 4, i) >= 0.7 ? 0 : conf(r.logits[1] as Float64Array, 4, i) >= 0.7 ? 1 : 2;
    assert.equal(a[i], expected, `sample ${i}`);
  }
});

test('per-branch TS fits T_i on exactly the samples that leave at exit i; temperatures depend on p_tar', () => {
  const r = records(2);
  const C = r.numClasses;
  const fits = fitPerBranchTemperatures(r, { pTar: 0.75 });
  const a = uncalibratedExitAssignment(r, { pTar: 0.75 });
  fits.forEach((f, e) => {
    const idx = [...a.keys()].filter((i) => a[i] === e);
    assert.equal(f.fitSamples, idx.length);
    const expected = fitTemperatureExact(
      selectRows(r.logits[e], C, idx),
      Int32Array.from(idx, (i) => r.labels[i]),
      C,
    ).temperature;
    assert.equal((f.calibrator as TemperatureScaling).temperature, expected);
    assert.equal(f.note, null);
  });
  const other = fitPerBranchTemperatures(r, { pTar: 0.9 });
  assert.notEqual(
    (other[0].calibrator as TemperatureScaling).temperature,
    (fits[0].calibrator as TemperatureScaling).temperature,
  );
});

test('per-branch TS: an exit where no sample leaves keeps T = 1 and says so', () => {
  const r = records(3);
  // k = 1: exit 2 is in the cloud, where side branches are not evaluated, so nobody leaves there.
  const fits = fitPerBranchTemperatures(r, { pTar: 0.8, edgeExits: 1 });
  assert.equal((fits[1].calibrator as TemperatureScaling).temperature, 1);
  assert.equal(fits[1].fitSamples, 0);
  assert.match(fits[1].note ?? '', /no validation sample leaves at exit 2 at p_tar = 0.8; T = 1 kept/);
  // p_tar = 1: no side branch is ever confident enough.
  const none = fitPerBranchTemperatures(r, { pTar: 1 });
  assert.equal(none[0].fitSamples + none[1].fitSamples, 0);
  assert.equal(none[2].fitSamples, r.numSamples);
});

test("global TS: one T fitted on the pooled logits of each sample's exit, shared by every exit", () => {
  const r = records(4);
  const C = r.numClasses;
  for (const fallback of ['final', 'most-confident'] as const) {
    const fits = fitGlobalTemperature(r, { pTar: 0.8, fallback });
    const a = uncalibratedExitAssignment(r, { pTar: 0.8, fallback });
    const pooled = new Float64Array(r.numSamples * C);
    for (let i = 0; i < r.numSamples; i++) pooled.set(r.logits[a[i]].subarray(i * C, (i + 1) * C), i * C);
    const T = fitTemperatureExact(pooled, r.labels, C).temperature;
    for (const f of fits) assert.equal((f.calibrator as TemperatureScaling).temperature, T);
    assert.equal(fits[0].report!.samples, r.numSamples);
  }
});

test('per-exit fitting of any calibrator; unselected exits stay identity', () => {
  const r = records(5);
  const fits = fitPerExit(r, () => new TemperatureScaling(), [2]);
  assert.equal(fits[0].calibrator.kind, 'identity');
  assert.match(fits[0].note ?? '', /exit 1 not selected/);
  assert.equal(
    (fits[1].calibrator as TemperatureScaling).temperature,
    fitTemperatureExact(r.logits[1], r.labels, 4).temperature,
  );
  assert.equal(fits[2].calibrator.kind, 'identity');
});
