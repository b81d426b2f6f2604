import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smoothEce, topLabelOf } from '../../src/metrics';
import { softmaxRows } from '../../src/calibration';
import { createRng } from '../../src/util/rng';
import { near, reference, referenceData } from '../calibration/reference';

test("smooth ECE and its bandwidth equal relplot's smECE (numpy/scipy port), before and after TS", () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const tl = topLabelOf(softmaxRows(z, C), y, C);
  const r = smoothEce(tl.confidence, tl.correct);
  assert.ok(near(r.value, ref.metrics.smoothEce, 1e-12), `${r.value} vs ${ref.metrics.smoothEce}`);
  assert.equal(r.sigma, ref.metrics.smoothEceSigma);
  // After TS the smECE is smaller, σ is below 0.1 and the grid is refined (800+ nodes).
  const t = topLabelOf(softmaxRows(z, C, ref.temperature.grid), y, C);
  const after = smoothEce(t.confidence, t.correct);
  assert.ok(
    near(after.value, ref.metrics.smoothEceAtOptimum, 1e-12),
    `${after.value} vs ${ref.metrics.smoothEceAtOptimum}`,
  );
  assert.ok(after.value < r.value);
});

test('smooth ECE is near 0 for calibrated data and near |bias| for a constant offset', () => {
  const rng = createRng(5);
  const n = 20000;
  const conf = new Float64Array(n);
  const calibrated = new Uint8Array(n);
  const shifted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    conf[i] = 0.3 + 0.6 * rng.next();
    const u = rng.next();
    calibrated[i] = u < conf[i] ? 1 : 0;
    shifted[i] = u < conf[i] - 0.2 ? 1 : 0;
  }
  assert.ok(smoothEce(conf, calibrated).value < 0.02);
  assert.ok(Math.abs(smoothEce(conf, shifted).value - 0.2) < 0.02);
});
