import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EXIT_METRIC_NAMES,
  adaptiveEce,
  ece,
  exitMetricIntervals,
  exitMetrics,
  nllFromProbabilities,
  smoothEce,
  topLabelOf,
} from '../../src/metrics';
import { softmaxRows } from '../../src/calibration';
import { near, reference, referenceData } from '../calibration/reference';

test('exitMetrics agrees with the individual metrics and with the reference', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const p = softmaxRows(z, C);
  const tl = topLabelOf(p, y, C);
  const m = exitMetrics(p, y, C);
  assert.deepEqual(Object.keys(m).sort(), [...EXIT_METRIC_NAMES].sort());
  assert.equal(m.accuracy, ref.metrics.accuracy);
  assert.equal(m.ece, ece(tl.confidence, tl.correct));
  assert.equal(m.nll, nllFromProbabilities(p, y, C));
  assert.equal(m.adaptiveEce, adaptiveEce(p, y, C).value);
  assert.equal(m.smoothEce, smoothEce(tl.confidence, tl.correct).value);
  for (const k of ['ece', 'rmsce', 'mce', 'eceEqualMass', 'classwiseEce', 'brier'] as const)
    assert.ok(near(m[k], ref.metrics[k], 1e-12), k);
  assert.ok(near(m.debiasedL2Ce, ref.metrics.debiasedL2Top, 1e-12));
});

test('bootstrap intervals of every metric: paired resamples, estimates equal the point values', () => {
  const { C, z, y } = referenceData();
  const p = softmaxRows(z, C);
  const m = exitMetrics(p, y, C);
  const iv = exitMetricIntervals(p, y, C, { seed: 3, replicates: 30 });
  for (const k of EXIT_METRIC_NAMES) {
    assert.equal(iv[k].estimate, m[k], k);
    assert.ok(iv[k].low <= iv[k].high && iv[k].replicates === 30, k);
  }
  assert.ok(iv.accuracy.low < m.accuracy && m.accuracy < iv.accuracy.high);
});
