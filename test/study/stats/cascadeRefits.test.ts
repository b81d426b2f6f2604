import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from '../plantedRecords';
import { drawIndices, subsetRecords } from '../../../src/study/stats/resample';
import { calibrateRecords, CALIBRATION_METHODS, type CalibrationMethod } from '../../../src/calibration/methods';
import { exitTemperature } from '../../../src/calibration/applyCalibration';
import { methodRefit, CLAIM_METHODS } from '../../../src/study/methodRefits';
import type { Fallback } from '../../../src/cascade/runCascade';
import { createRng } from '../../../src/util/rng';

/** max softmax(z/T) of row i of one exit, computed directly. */
function conf(z: ArrayLike<number>, C: number, i: number, T: number): number {
  const row = Array.from({ length: C }, (_, k) => z[i * C + k]);
  const mx = Math.max(...row);
  return 1 / row.reduce((s, v) => s + Math.exp((v - mx) / T), 0);
}

for (const fallback of ['final', 'most-confident'] as Fallback[]) {
  test(`fast refits give calibrateRecords' temperatures on a resample (subset rule ${fallback})`, () => {
    const val = plantedRecords({ numSamples: 600, seed: 11, sharpen: 2.2 });
    const test_ = plantedRecords({ numSamples: 40, seed: 12, sharpen: 2.2 });
    const idx = drawIndices(val.numSamples, createRng(5));
    const sub = subsetRecords(val, idx);
    for (const method of CLAIM_METHODS) {
      const ref = calibrateRecords(sub, method as CalibrationMethod, { pTar: 0.8, fallback });
      const keys = methodRefit(CALIBRATION_METHODS[method], val, test_, { pTar: 0.8, fallback })(idx);
      const C = test_.numClasses;
      for (let e = 0; e < 3; e++) {
        const T = exitTemperature(ref, e) as number;
        assert.ok(T > 1.2, `${method} exit ${e + 1}: T = ${T} (records sharpened ×2.2)`);
        for (let i = 0; i < 5; i++) {
          const want = conf(test_.logits[e], C, i, T);
          // The exact fits agree to solver tolerance; torch-lbfgs is the same deterministic iteration.
          assert.ok(
            Math.abs(keys.keys[e][i] - want) < 1e-6,
            `${method} exit ${e + 1} sample ${i}: ${keys.keys[e][i]} vs ${want}`,
          );
        }
      }
    }
  });
}

test('per-branch and global subsets change with the subset rule', () => {
  const val = plantedRecords({ numSamples: 600, seed: 11, sharpen: 2.2 });
  const test_ = plantedRecords({ numSamples: 10, seed: 12, sharpen: 2.2 });
  for (const method of ['per-branch', 'global'] as const) {
    const a = methodRefit(CALIBRATION_METHODS[method], val, test_, { pTar: 0.95, fallback: 'final' })(null).keys[0][0];
    const b = methodRefit(CALIBRATION_METHODS[method], val, test_, { pTar: 0.95, fallback: 'most-confident' })(null)
      .keys[0][0];
    assert.notEqual(a, b, method);
  }
});
