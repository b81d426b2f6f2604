import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resampledExitMetrics } from '../../src/metrics/resampledExitMetrics';
import { EXIT_METRIC_NAMES, exitMetrics } from '../../src/metrics/exitMetrics';
import { takeRows } from '../../src/metrics/bootstrap';
import { createRng } from '../../src/util/rng';
import { softmaxRows } from '../../src/calibration/logitMath';

/** Softmax of random logits; `round` coarsens them so that many confidences tie exactly. */
function dataset(n: number, C: number, seed: number, round = false) {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const z = Float64Array.from({ length: n * C }, (_, j) => {
    const v = rng.normal() * 2 + (j % C === labels[Math.floor(j / C)] ? 1.5 : 0);
    return round ? Math.round(v) : v;
  });
  return { probs: softmaxRows(z, C), labels };
}

test('resampled metrics equal exitMetrics of the gathered resample (independent path), ties and n < bins included', () => {
  const cases: Array<[number, number, number, boolean, number]> = [
    [300, 10, 1, false, 15],
    [200, 3, 2, true, 15],
    [7, 4, 3, false, 15],
    [500, 2, 4, true, 10],
    [64, 5, 5, false, 1],
  ];
  for (const [n, C, seed, round, bins] of cases) {
    const { probs, labels } = dataset(n, C, seed, round);
    const fast = resampledExitMetrics(probs, labels, C, bins);
    const rng = createRng(100 + seed);
    for (let r = 0; r < 20; r++) {
      const idx = Int32Array.from({ length: n }, () => rng.int(n));
      const want = exitMetrics(takeRows(probs, idx, C), takeRows(labels, idx), C, { bins });
      const got = fast(idx);
      for (const m of EXIT_METRIC_NAMES) {
        assert.ok(
          Math.abs(got[m] - want[m]) <= 1e-12 * Math.max(1, Math.abs(want[m])),
          `n ${n}, C ${C}, resample ${r}, ${m}: ${got[m]} vs ${want[m]}`,
        );
      }
    }
    // The identity resample is the point estimate.
    const all = fast(Int32Array.from({ length: n }, (_, i) => i));
    const point = exitMetrics(probs, labels, C, { bins });
    for (const m of EXIT_METRIC_NAMES) assert.ok(Math.abs(all[m] - point[m]) <= 1e-12, m);
  }
});
