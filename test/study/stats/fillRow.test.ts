import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { binEvery, emptyCurves, fillRow } from '../../../src/study/stats/replicateRows';
import { countThresholds, rowAt } from '../../../src/offloading/thresholdSweep';
import { sortGrid } from '../../../src/offloading/thresholdBins';
import { createRng } from '../../../src/util/rng';
import { drawIndices, multiplicities } from '../../../src/study/stats/resample';

test("a replicate's sweep row holds rowAt's numbers bit for bit (weighted counts, empty device included)", () => {
  const n = 200;
  const rng = createRng(8);
  const keys = Array.from({ length: 3 }, () => Float64Array.from({ length: n }, () => 0.3 + 0.7 * rng.next()));
  const correct = Array.from({ length: 3 }, () => Uint8Array.from({ length: n }, () => (rng.next() < 0.7 ? 1 : 0)));
  // Up to 1.0: at the top thresholds the device keeps no sample (device accuracy NaN).
  const grid = sortGrid(Array.from({ length: 21 }, (_, g) => 0.5 + g * 0.025)).values;
  const points = sortGrid([0.7, 0.8]).values;
  const weights = multiplicities(drawIndices(n, rng), n);
  const binned = binEvery({ keys, correct }, [1, 2], 'final', grid, points);
  for (const b of binned) {
    const out = emptyCurves(grid.length, points.length, 2);
    fillRow(out, 1, b, grid, points, weights, [], 50);
    const c = countThresholds(b.grid, weights);
    let empty = 0;
    grid.forEach((t, g) => {
      const row = rowAt(b.grid, c, g, t, null);
      const at = grid.length + g;
      assert.equal(out.offload[at], row.offloadProbability);
      assert.equal(out.overall[at], row.overallAccuracy);
      assert.equal(out.deviceCount[at], (1 - row.offloadProbability) * c.total);
      if (row.onDeviceAccuracy === null) empty++;
      assert.equal(out.device[at], row.onDeviceAccuracy ?? NaN);
    });
    assert.ok(empty > 0 && empty < grid.length, `${empty} thresholds with an empty device`);
  }
});
