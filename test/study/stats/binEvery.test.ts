import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { binEvery } from '../../../src/study/stats/replicateRows';
import { binCascade, countAtMost, sortGrid, subGridTable } from '../../../src/offloading/thresholdBins';
import type { CascadeKeys } from '../../../src/cascade/cascadeKeys';
import { createRng } from '../../../src/util/rng';

/** Keys on a 0.05 lattice plus ±∞-like extremes, so grid values are hit exactly. */
function latticeKeys(n: number, E: number, seed: number): CascadeKeys {
  const rng = createRng(seed);
  const keys = Array.from({ length: E }, () =>
    Float64Array.from({ length: n }, () => {
      const u = rng.next();
      return u < 0.05 ? 0 : u > 0.95 ? 1 : Math.round(rng.next() * 20) / 20;
    }),
  );
  const correct = Array.from({ length: E }, () => Uint8Array.from({ length: n }, () => (rng.next() < 0.6 ? 1 : 0)));
  return { keys, correct };
}

test('binEvery equals binCascade at every k, on the grid and on the batch points', () => {
  const keys = latticeKeys(400, 4, 3);
  const grid = sortGrid([0.5, 0.55, 0.6, 0.7, 0.7, 0.8, 0.9, 0.95, 0.2]).values;
  for (const points of [
    sortGrid([0.7, 0.8, 0.9]).values, // grid values: looked up
    sortGrid([0.7, 0.75, 0.9]).values, // 0.75 is not: counted
    sortGrid([0.7]).values,
  ]) {
    for (const fallback of ['final', 'most-confident'] as const) {
      const ks = [1, 2, 3];
      const got = binEvery(keys, ks, fallback, grid, points);
      ks.forEach((k, j) => {
        assert.deepEqual(got[j].grid, binCascade(keys, grid, { edgeExits: k, fallback }), `grid k ${k} ${fallback}`);
        assert.deepEqual(got[j].batch, binCascade(keys, points, { edgeExits: k, fallback }), `points k ${k}`);
      });
    }
  }
});

test('subGridTable turns grid counts into sub-grid counts, duplicates included; null off the grid', () => {
  const grid = Float64Array.of(0.1, 0.3, 0.3, 0.5, 0.9);
  const sub = Float64Array.of(0.3, 0.9);
  // Hand-computed: h = #grid values ≤ x; sub values whose first position (1 and 4) is below h.
  assert.deepEqual(subGridTable(sub, grid), Int32Array.of(0, 0, 1, 1, 1, 2));
  const xs = Float64Array.of(-1, 0.1, 0.29, 0.3, 0.4, 0.5, 0.89, 0.9, 2);
  const u = countAtMost(grid, xs, new Int32Array(xs.length));
  const table = subGridTable(sub, grid) as Int32Array;
  assert.deepEqual(
    Array.from(u, (h) => table[h]),
    Array.from(countAtMost(sub, xs, new Int32Array(xs.length))),
  );
  assert.equal(subGridTable(Float64Array.of(0.3, 0.4), grid), null);
});
