import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { expNonPositive } from '../../../src/study/stats/expNonPositive';
import { createRng } from '../../../src/util/rng';

/** The doubles around x: a few ulps below and above. */
function around(x: number, n = 3): number[] {
  const v = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  v.setFloat64(0, x);
  const bits = v.getBigUint64(0);
  for (let d = -n; d <= n; d++) {
    v.setBigUint64(0, bits + BigInt(d));
    out.push(v.getFloat64(0));
  }
  return out;
}

// The verdicts' numbers must not move: every exponent must give Math.exp's bits exactly.
test('expNonPositive equals Math.exp bit for bit on millions of softmax exponents and every branch boundary', () => {
  const rng = createRng(17);
  const ranges = [1e-9, 0.3, 1, 3, 30, 100, 700, 800];
  let checked = 0;
  for (let i = 0; i < 3_000_000; i++) {
    const x = -rng.next() * ranges[i % ranges.length];
    const want = Math.exp(x);
    const got = expNonPositive(x);
    if (!Object.is(got, want)) assert.fail(`exp(${x}): ${got} vs Math.exp ${want}`);
    checked++;
  }
  const edges = [
    0,
    -0,
    -Number.MIN_VALUE,
    -(2 ** -28),
    -0.5 * Math.LN2,
    -1.5 * Math.LN2,
    -0.34657359027997264,
    -1.0397207708399179,
    -1,
    -700,
    -708.39,
    -745.13,
    -746,
    -Infinity,
    1e-300,
    0.5,
    1,
  ];
  for (const e of edges)
    for (const x of around(e)) {
      assert.ok(Object.is(expNonPositive(x), Math.exp(x)), `exp(${x}): ${expNonPositive(x)} vs ${Math.exp(x)}`);
      checked++;
    }
  assert.ok(Number.isNaN(expNonPositive(NaN)));
  assert.ok(checked > 3_000_000);
});
