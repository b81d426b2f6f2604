import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { holmAdjust, holmReject } from '../../../src/study/stats/holm';
import { judgePoints } from '../../../src/study/stats/deltaVerdict';
import { plantedRecords } from '../plantedRecords';
import { perExitTemperatureRefit } from '../../../src/study/stats/refitKeys';
import { drawIndices, subsetRecords } from '../../../src/study/stats/resample';
import { calibrateRecords } from '../../../src/calibration/methods';
import { offloadingClaims, type Claim } from '../../../src/study/offloadingClaims';
import { verdictSettings } from '../../../src/study/stats/verdictSettings';
import { grid } from '../../../src/study/config';
import { createRng } from '../../../src/util/rng';

test('Holm: step-down rejections and adjusted p-values (hand-computed)', () => {
  // sorted 0.01 ≤ 0.05/3 → reject; 0.03 > 0.05/2 → stop.
  assert.deepEqual(holmReject([0.01, 0.04, 0.03], 0.05), [true, false, false]);
  assert.deepEqual(holmReject([0.01, 0.02, 0.03], 0.05), [true, true, true]);
  const adj = holmAdjust([0.01, 0.04, 0.03]);
  [0.03, 0.06, 0.06].forEach((v, i) => assert.ok(Math.abs(adj[i] - v) < 1e-12));
});

test('verdicts: beyond the minimum effect → supported; other side of 0 → contradicted; small → inconclusive', () => {
  const reps = (c: number) => Float64Array.from({ length: 999 }, (_, i) => c + 0.002 * (i / 998 - 0.5));
  const o = { quantity: 'Δ', direction: 'lower' as const, minEffect: 0.005, alpha: 0.05 };
  assert.equal(judgePoints([{ at: 0.7, estimate: -0.02, replicates: reps(-0.02) }], o).verdict, 'supported');
  assert.equal(judgePoints([{ at: 0.7, estimate: 0.02, replicates: reps(0.02) }], o).verdict, 'contradicted');
  // Excludes 0 but not the 0.5 pp minimum effect: not enough to support.
  assert.equal(judgePoints([{ at: 0.7, estimate: -0.003, replicates: reps(-0.003) }], o).verdict, 'inconclusive');
  const both = judgePoints(
    [
      { at: 0.7, estimate: -0.02, replicates: reps(-0.02) },
      { at: 0.8, estimate: 0.02, replicates: reps(0.02) },
    ],
    o,
  );
  assert.equal(both.verdict, 'inconclusive', 'effects in both directions');
  assert.deepEqual(
    both.estimates.map((e) => e.verdict),
    ['supported', 'contradicted'],
  );
  const allNaN = judgePoints([{ at: 0.9, estimate: NaN, replicates: new Float64Array(10).fill(NaN) }], o);
  assert.equal(allNaN.verdict, 'inconclusive');
});

test("fast per-exit TS refit gives calibrateRecords' temperatures on a resample", () => {
  const val = plantedRecords({ numSamples: 800, seed: 3, sharpen: 2 });
  const test_ = plantedRecords({ numSamples: 50, seed: 4, sharpen: 2 });
  const idx = drawIndices(val.numSamples, createRng(9));
  const ref = calibrateRecords(subsetRecords(val, idx), 'temperature').file!;
  const keys = perExitTemperatureRefit(val, test_)(idx);
  // Compare confidences: T enters only through them.
  const C = test_.numClasses;
  for (let e = 0; e < 3; e++) {
    const T = Number((ref.exits[e].calibrator as unknown as { temperature: number }).temperature);
    for (let i = 0; i < 5; i++) {
      const z = test_.logits[e].subarray(i * C, (i + 1) * C);
      const mx = Math.max(...z);
      const conf = 1 / Array.from(z).reduce((s, v) => s + Math.exp((v - mx) / T), 0);
      assert.ok(Math.abs(keys.keys[e][i] - conf) < 1e-7, `exit ${e + 1} sample ${i}: ${keys.keys[e][i]} vs ${conf}`);
    }
  }
});

function claimsFor(sharpen: number, seed: number, nVal: number, nTest: number, B: number): Claim[] {
  const val = plantedRecords({ numSamples: nVal, seed, sharpen, split: 'val' });
  const test_ = plantedRecords({ numSamples: nTest, seed: seed + 1000, sharpen });
  return offloadingClaims({
    val,
    test: test_,
    refit: perExitTemperatureRefit(val, test_),
    label: 'TS',
    idSuffix: '',
    temperatures: null,
    edgeExits: [1],
    fallback: 'final',
    pTarGrid: grid(0.5, 0.95, 0.05),
    batchSize: 128,
    rounds: 5,
    roundSeed: 0,
    deadlinePTar: 0.6,
    settings: verdictSettings({ replicates: B, seed }),
  });
}

const CALIBRATION_CLAIMS = [
  'k1-calibrated-tracks-target',
  'k1-offloading-probability',
  'k1-outage',
  'k1-missed-deadline',
];

test('planted truth: perfectly calibrated exits → no calibration claim supported', () => {
  const c = claimsFor(1, 1, 3000, 4000, 200);
  for (const id of CALIBRATION_CLAIMS) assert.notEqual(c.find((x) => x.id === id)!.verdict, 'supported', id);
  assert.notEqual(c.find((x) => x.id === 'k1-uncalibrated-below-target')!.verdict, 'supported');
});

test('planted truth: logits sharpened ×2.5 → "uncalibrated below p_tar" and outage supported', () => {
  const c = claimsFor(2.5, 1, 3000, 4000, 200);
  assert.equal(c.find((x) => x.id === 'k1-uncalibrated-below-target')!.verdict, 'supported');
  assert.equal(c.find((x) => x.id === 'k1-outage')!.verdict, 'supported');
  assert.equal(c.find((x) => x.id === 'k1-calibrated-tracks-target')!.verdict, 'supported');
});

test('coverage under the null: ≥ 90 % of perfectly calibrated replications support no calibration claim', () => {
  const R = 10;
  let clean = 0;
  for (let r = 0; r < R; r++) {
    const c = claimsFor(1, 100 + r, 1000, 2000, 120);
    if (!c.some((x) => CALIBRATION_CLAIMS.includes(x.id) && x.verdict === 'supported')) clean++;
  }
  assert.ok(clean / R >= 0.9, `${clean}/${R} null replications without a supported claim`);
});
