import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencyComparison, quantileInterval } from '../../src/offloading/measuredVsModelled';
import type { MeasuredRow } from '../../src/records/measuredRecords';
import type { CascadeLatency } from '../../src/offloading/latencyModel';

const row = (exit: number, offloaded: boolean, total: number, upload: number, fallback = false): MeasuredRow => ({
  sample: 0,
  label: 0,
  exit,
  prediction: 0,
  confidence: 0.5,
  fallback,
  offloaded,
  method: 'none',
  pTar: 0.8,
  ms: { total_ms: total, upload_ms: upload },
});

test('latency comparison: medians, p95 and relative errors against the model, fallbacks left out of the cloud path', () => {
  const model: CascadeLatency = {
    exitMs: [10],
    offloadMs: 100,
    parts: { deviceMs: 10, rttMs: 0, uploadMs: 80, cloudMs: 10 },
  };
  // Offloaded totals 101…120 (20 values), uploads 81…100; one fallback of 5000 ms must not count.
  const rows = [
    ...Array.from({ length: 20 }, (_, i) => row(2, true, 101 + i, 81 + i)),
    row(1, true, 5000, 0, true),
    ...[12, 14, 16, 18].map((t) => row(1, false, t, 0)),
  ];
  const [upload, off, exit1] = latencyComparison(rows, model);
  assert.equal(upload.n, 20);
  // numpy: np.median(range(81,101)) = 90.5, np.percentile(range(81,101), 95) = 99.05
  assert.equal(upload.medianMs, 90.5);
  assert.ok(Math.abs(upload.p95Ms! - 99.05) < 1e-9);
  assert.ok(Math.abs(upload.medianRelError! - (90.5 - 80) / 80) < 1e-12);
  assert.equal(off.medianMs, 110.5);
  assert.ok(Math.abs(off.p95RelError! - (119.05 - 100) / 100) < 1e-9);
  assert.deepEqual([exit1.quantity, exit1.n, exit1.medianMs, exit1.modelledMs], ['exit 1', 4, 15, 10]);
});

test('quantile interval: order statistics around n·q, covering the quantile about 95 % of the time on planted data', () => {
  // n = 100, median: ranks 50 ± 9.8 → 0-based 39 … 59.
  const s = Float64Array.from({ length: 100 }, (_, i) => i);
  assert.deepEqual(quantileInterval(s, 0.5), [39, 59]);
  assert.equal(quantileInterval(Float64Array.of(1), 0.5), null);
  // Coverage on uniform(0,1) samples of 200 for the median (truth 0.5) and p95 (truth 0.95).
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const q of [0.5, 0.95]) {
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const x = Float64Array.from({ length: 200 }, rand).sort();
      const [lo, hi] = quantileInterval(x, q)!;
      if (lo <= q && q <= hi) covered++;
    }
    assert.ok(covered / trials > 0.93 && covered / trials < 0.985, `q ${q}: coverage ${covered / trials}`);
  }
});
