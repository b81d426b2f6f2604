import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { smoothEce } from '../../src/metrics';
import { createRng } from '../../src/util/rng';

/**
 * smECE against an independent numpy/scipy re-implementation of relplot 1.0.3's estimator
 * (test/metrics/relplot_smece.py: FFT-or-direct scipy convolution, numpy interpolation), run
 * with /usr/bin/python3 on planted data sets chosen to exercise the endpoints (confidences piled
 * near 1, where relplot ≤ 1.0.1 differs most), the middle, tiny samples and small bandwidths.
 */
function datasets(): { conf: number[]; correct: number[] }[] {
  const rng = createRng(11);
  const make = (n: number, conf: () => number, acc: (c: number) => number) => {
    const c: number[] = [];
    const k: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = conf();
      c.push(x);
      k.push(rng.next() < acc(x) ? 1 : 0);
    }
    return { conf: c, correct: k };
  };
  return [
    make(
      3000,
      () => 1 - 0.1 * rng.next() ** 3,
      (c) => c - 0.15,
    ), // overconfident, near 1
    make(
      3000,
      () => 0.3 + 0.6 * rng.next(),
      (c) => c,
    ), // calibrated, mid-range (small σ)
    make(
      60,
      () => rng.next(),
      (c) => 0.5 * c + 0.25,
    ), // tiny
    make(
      20000,
      () => 0.5 + 0.5 * rng.next(),
      (c) => c - 0.02,
    ), // large, slightly off
    make(
      500,
      () => (rng.next() < 0.5 ? 0.001 * rng.next() : 1 - 0.001 * rng.next()),
      (c) => (c > 0.5 ? 0.9 : 0.1),
    ), // both endpoints
  ];
}

test(
  `smooth ECE equals relplot 1.0.3's smECE (independent numpy/scipy re-implementation)`,
  { timeout: 120_000 },
  () => {
    const data = datasets();
    const py = spawnSync('/usr/bin/python3', [path.join(__dirname, 'relplot_smece.py')], {
      input: JSON.stringify(data.map((d) => [d.conf, d.correct])),
      encoding: 'utf8',
    });
    assert.equal(py.status, 0, py.stderr);
    const want = JSON.parse(py.stdout) as [number, number][];
    data.forEach((d, i) => {
      const got = smoothEce(Float64Array.from(d.conf), Uint8Array.from(d.correct));
      assert.equal(got.sigma, want[i][1], `data set ${i}: σ ${got.sigma} vs ${want[i][1]}`);
      assert.ok(
        Math.abs(got.value - want[i][0]) <= 1e-9 * Math.max(1, want[i][0]),
        `data set ${i}: ${got.value} vs ${want[i][0]}`,
      );
    });
  },
);
