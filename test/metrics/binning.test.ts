import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binIndex, binTotals, equalMassEdges, equalWidthEdges, topLabelOf } from '../../src/metrics';
import { softmaxRows } from '../../src/calibration';
import { maxAbsDiff, reference, referenceData } from '../calibration/reference';

test('equal-width edges are b/M and the O(1) index agrees with binary search everywhere', () => {
  const edges = equalWidthEdges(15);
  assert.equal(edges.length, 16);
  assert.equal(edges[15], 1);
  // Values on, just below and just above every edge.
  const values: number[] = [];
  for (const e of edges) values.push(e, Math.max(0, e - 1e-16), Math.min(1, e + 1e-16), e * (1 - Number.EPSILON));
  const totals = binTotals(Float64Array.from(values), new Uint8Array(values.length), edges);
  const expected = new Float64Array(15);
  for (const v of values) expected[binIndex(edges, v)]++;
  assert.deepEqual([...totals.count], [...expected]);
});

test("equal-mass edges follow Kumar et al.'s get_equal_bins (midpoints between groups, ending at 1)", () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const tl = topLabelOf(softmaxRows(z, C), y, C);
  const edges = equalMassEdges(tl.confidence, 15);
  assert.equal(edges[0], 0);
  assert.ok(maxAbsDiff(edges.subarray(1), ref.metrics.equalMassEdges) < 1e-15);
  // Hand case: 5 values into 2 groups of sizes 3 and 2 (np.array_split), one midpoint edge.
  assert.deepEqual([...equalMassEdges(Float64Array.from([0.9, 0.1, 0.3, 0.7, 0.2]), 2)], [0, 0.5, 1]);
  // Fewer samples than bins: one bin per sample; ties merge edges.
  assert.deepEqual([...equalMassEdges(Float64Array.from([0.4, 0.4, 0.4]), 10)], [0, 0.4, 1]);
});
