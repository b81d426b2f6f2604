import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brierDecomposition, brierScore } from '../../src/metrics';
import { softmaxRows } from '../../src/calibration';
import { near, reference, referenceData } from '../calibration/reference';

test('Brier score by hand and against numpy', () => {
  assert.ok(near(brierScore(Float64Array.from([0.7, 0.3, 0.4, 0.6]), Int32Array.from([0, 0]), 2), 0.45, 1e-15));
  const ref = reference();
  const { C, z, y } = referenceData();
  assert.ok(near(brierScore(softmaxRows(z, C), y, C), ref.metrics.brier, 1e-13));
});

test('Brier decomposition: components match numpy and add up exactly to the score', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const d = brierDecomposition(softmaxRows(z, C), y, C);
  for (const [k, v] of Object.entries(ref.metrics.brierDecomposition)) {
    assert.ok(near(d[k as keyof typeof d], v, 1e-12), `${k}: ${d[k as keyof typeof d]} vs ${v}`);
  }
  const sum = d.reliability - d.resolution + d.uncertainty + d.withinBinVariance + d.withinBinCovariance;
  assert.ok(near(sum, d.brier, 1e-13) && near(d.brier, ref.metrics.brier, 1e-13));
});

test("discrete forecasts: the within-bin terms vanish and Murphy's three terms are exact", () => {
  // Two forecast values only, each in its own bin.
  const probs = Float64Array.from([0.8, 0.2, 0.8, 0.2, 0.8, 0.2, 0.3, 0.7, 0.3, 0.7]);
  const labels = Int32Array.from([0, 0, 1, 1, 1]);
  const d = brierDecomposition(probs, labels, 2, { bins: 10 });
  assert.ok(d.withinBinVariance < 1e-30);
  assert.ok(Math.abs(d.withinBinCovariance) < 1e-16);
  // Class 0: bins {.8 ×3 → freq 2/3}, {.3 ×2 → 0}; class 1 mirrors it.
  const rel = 2 * ((3 / 5) * (0.8 - 2 / 3) ** 2 + (2 / 5) * 0.3 ** 2);
  assert.ok(near(d.reliability, rel, 1e-15));
  assert.ok(near(d.reliability - d.resolution + d.uncertainty, brierScore(probs, labels, 2), 1e-15));
});
