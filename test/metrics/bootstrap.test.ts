import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapInterval, quantileSorted, takeRows } from '../../src/metrics';
import { EecalError } from '../../src/errors';

const data = Float64Array.from({ length: 200 }, (_, i) => (i * 37) % 101);
const mean = (idx: Int32Array) => idx.reduce((s, i) => s + data[i], 0) / idx.length;

test('quantiles interpolate linearly like numpy; takeRows gathers rows', () => {
  const s = Float64Array.from([1, 2, 3, 4]);
  assert.equal(quantileSorted(s, 0.25), 1.75);
  assert.equal(quantileSorted(s, 0), 1);
  assert.equal(quantileSorted(s, 1), 4);
  assert.deepEqual([...takeRows(Float64Array.from([1, 2, 3, 4, 5, 6]), Int32Array.from([2, 0]), 2)], [5, 6, 1, 2]);
});

test('percentile bootstrap of a mean: seeded, reproducible, standard error ≈ sd/√n', () => {
  const a = bootstrapInterval(data.length, mean, { seed: 7, replicates: 2000 });
  const b = bootstrapInterval(data.length, mean, { seed: 7, replicates: 2000 });
  const c = bootstrapInterval(data.length, mean, { seed: 8, replicates: 2000 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const m = data.reduce((s, v) => s + v, 0) / data.length;
  const sd = Math.sqrt(data.reduce((s, v) => s + (v - m) ** 2, 0) / data.length);
  assert.equal(a.estimate, m);
  assert.ok(a.low < m && m < a.high);
  assert.ok(
    Math.abs(a.standardError / (sd / Math.sqrt(data.length)) - 1) < 0.1,
    `${a.standardError} vs ${sd / Math.sqrt(data.length)}`,
  );
  // A 95 % normal interval is about ±1.96 SE wide.
  assert.ok(Math.abs((a.high - a.low) / (2 * 1.96 * a.standardError) - 1) < 0.1);
});

test('a non-finite statistic or bad options is an error, never a silent NaN', () => {
  assert.throws(
    () => bootstrapInterval(10, () => NaN, { seed: 1 }),
    (e: unknown) => e instanceof EecalError && /returned NaN/.test((e as Error).message),
  );
  assert.throws(() => bootstrapInterval(10, mean, { seed: 1, replicates: 1 }), /replicates = 1/);
  assert.throws(() => bootstrapInterval(10, mean, { seed: 1, level: 1 }), /level = 1/);
});
