import assert from 'node:assert/strict';

/** max |a − b| / max |b|: the error of `a` relative to the scale of the reference `b` (asserts b is a usable reference). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  assert.ok(m > 0 && Number.isFinite(d), 'reference is zero or non-finite');
  return d / m;
}
