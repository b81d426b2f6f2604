import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debiasedL2CalibrationError, debiasedL2MarginalCalibrationError, topLabelOf } from '../../src/metrics';
import { softmaxRows } from '../../src/calibration';
import { near, reference, referenceData } from '../calibration/reference';

test('debiased L2 CE by hand: the variance term is subtracted, singleton bins count 0, negatives clip to 0', () => {
  const conf = Float64Array.from([0.2, 0.4, 0.6, 0.8]);
  // 2 equal-mass bins {.2,.4} {.6,.8}: (0.3 − 0)² − 0 and (0.7 − 1)² − 0 → √0.09 = 0.3.
  assert.ok(near(debiasedL2CalibrationError(conf, Uint8Array.from([0, 0, 1, 1]), { bins: 2 }), 0.3, 1e-15));
  // acc 0.5 in the first bin: 0.04 − 0.25 < 0 pulls the estimate below 0 → clipped to 0.
  assert.equal(debiasedL2CalibrationError(conf, Uint8Array.from([0, 1, 1, 1]), { bins: 2 }), 0);
  // One sample per bin: no bin can be debiased, every bin contributes 0.
  assert.equal(debiasedL2CalibrationError(conf, Uint8Array.from([0, 0, 1, 1]), { bins: 4 }), 0);
});

test("top-label and marginal debiased L2 CE match Kumar et al.'s estimators (numpy reference)", () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const p = softmaxRows(z, C);
  const tl = topLabelOf(p, y, C);
  assert.ok(near(debiasedL2CalibrationError(tl.confidence, tl.correct), ref.metrics.debiasedL2Top, 1e-12));
  assert.ok(near(debiasedL2MarginalCalibrationError(p, y, C), ref.metrics.debiasedL2Marginal, 1e-12));
});
