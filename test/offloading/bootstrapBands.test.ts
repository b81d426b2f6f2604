import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapSweepBands } from '../../src/offloading/bootstrapBands';
import { quantileSorted } from '../../src/metrics/bootstrap';
import { naiveSweep } from '../../bench/naiveSweep';
import { sweepThresholds } from '../../src/offloading/thresholdSweep';
import { createRng } from '../../src/util/rng';
import { ConfigError } from '../../src/errors';
import { close, randomCase } from './helpers';

test('quantiles interpolate linearly like numpy.quantile', () => {
  // numpy.quantile([1, 2, 3, 4], [0.025, 0.25, 0.5, 0.975]) = [1.075, 1.75, 2.5, 3.925]
  const s = Float64Array.from([1, 2, 3, 4]);
  [
    [0.025, 1.075],
    [0.25, 1.75],
    [0.5, 2.5],
    [0.975, 3.925],
  ].forEach(([q, v]) => assert.ok(Math.abs(quantileSorted(s, q) - v) < 1e-12));
  assert.equal(quantileSorted(Float64Array.from([7]), 0.975), 7);
});

test('bootstrap bands equal resampling the records and re-running the naive sweep (same draws)', () => {
  const { scores, labels, keys } = randomCase(61, 150, 3, 3, 20);
  const grid = [0.3, 0.6, 0.9, 1];
  const opts = { edgeExits: 2, fallback: 'most-confident' as const };
  const B = 40;
  const bands = bootstrapSweepBands(keys, grid, { ...opts, seed: 5, replicates: B });
  // Replay the RNG: each resample draws N indices with rng.int(N).
  const rng = createRng(5);
  const per = grid.map(() => ({ off: [] as number[], dev: [] as number[], all: [] as number[] }));
  for (let r = 0; r < B; r++) {
    const idx = Array.from({ length: 150 }, () => rng.int(150));
    const s = scores.map((e) => ({
      confidence: Float64Array.from(idx, (i) => e.confidence[i]),
      prediction: Int32Array.from(idx, (i) => e.prediction[i]),
    }));
    naiveSweep(
      s,
      Int32Array.from(idx, (i) => labels[i]),
      grid,
      opts,
    ).forEach((row, g) => {
      per[g].off.push(row.offloadProbability);
      per[g].all.push(row.overallAccuracy);
      if (row.onDeviceAccuracy !== null) per[g].dev.push(row.onDeviceAccuracy);
    });
  }
  const pct = (v: number[]): [number, number] => {
    const s = Float64Array.from(v).sort();
    return [quantileSorted(s, 0.025), quantileSorted(s, 0.975)];
  };
  grid.forEach((p, g) => {
    const want = { off: pct(per[g].off), all: pct(per[g].all), dev: per[g].dev.length ? pct(per[g].dev) : null };
    assert.ok(
      close(bands[g].offloadProbability[0], want.off[0]) && close(bands[g].offloadProbability[1], want.off[1]),
      `off ${p}`,
    );
    assert.ok(
      close(bands[g].overallAccuracy[0], want.all[0]) && close(bands[g].overallAccuracy[1], want.all[1]),
      `all ${p}`,
    );
    if (want.dev === null) assert.equal(bands[g].onDeviceAccuracy, null);
    else
      assert.ok(
        close(bands[g].onDeviceAccuracy![0], want.dev[0]) && close(bands[g].onDeviceAccuracy![1], want.dev[1]),
        `dev ${p}`,
      );
  });
});

test('bootstrap bands are seeded and bracket the point estimate on a larger sample', () => {
  const { keys } = randomCase(62, 3000, 3, 5, 0);
  const grid = [0.5, 0.7, 0.9];
  const a = bootstrapSweepBands(keys, grid, { edgeExits: 1, seed: 1, replicates: 100 });
  assert.deepEqual(a, bootstrapSweepBands(keys, grid, { edgeExits: 1, seed: 1, replicates: 100 }));
  assert.notDeepEqual(a, bootstrapSweepBands(keys, grid, { edgeExits: 1, seed: 2, replicates: 100 }));
  sweepThresholds(keys, grid, { edgeExits: 1 }).forEach((r, g) => {
    assert.ok(a[g].offloadProbability[0] < r.offloadProbability && r.offloadProbability < a[g].offloadProbability[1]);
    assert.ok(a[g].overallAccuracy[0] < r.overallAccuracy && r.overallAccuracy < a[g].overallAccuracy[1]);
  });
  assert.throws(() => bootstrapSweepBands(keys, grid, { edgeExits: 1, seed: 1, replicates: 1 }), ConfigError);
  assert.throws(() => bootstrapSweepBands(keys, grid, { edgeExits: 1, seed: 1, level: 1 }), /level = 1/);
});
