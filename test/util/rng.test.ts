import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/util/rng';

test('fillInts draws the same integers as int, in order, and leaves the same state', () => {
  for (const [seed, n, count] of [
    [0, 200, 1000],
    [7, 1, 5],
    [123456, 10000, 4097],
    [-3, 2 ** 31 - 1, 64],
  ]) {
    const a = createRng(seed);
    const b = createRng(seed);
    const want = Int32Array.from({ length: count }, () => a.int(n));
    const got = new Int32Array(count);
    b.fillInts(got, n);
    assert.deepEqual(got, want, `seed ${seed}, n ${n}`);
    assert.equal(b.state(), a.state());
    assert.ok(got.every((v) => v >= 0 && v < n));
  }
});
