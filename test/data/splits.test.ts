import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classQuotas, stratifiedSplit } from '../../src/data/splits';

test('classQuotas: largest remainder, exact total, ties to the lower class', () => {
  assert.deepEqual(
    classQuotas([5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000], 5000),
    new Array(10).fill(500),
  );
  // 10·[3,3,4]/10 = [3,3,4] exactly; 5·[3,3,4]/10 = [1.5,1.5,2] → one extra to class 0 (tie).
  assert.deepEqual(classQuotas([3, 3, 4], 10 - 0), [3, 3, 4]);
  assert.deepEqual(classQuotas([3, 3, 4], 5), [2, 1, 2]);
  // 7·[1,2,4]/7 → exact; 3·[1,2,4]/7 = [0.43, 0.86, 1.71] → floors [0,0,1], remainders order 1, 2, 0.
  assert.deepEqual(classQuotas([1, 2, 4], 3), [0, 1, 2]);
});

test('stratifiedSplit: deterministic per seed, disjoint, covers all, class proportions kept', () => {
  const labels = Int32Array.from({ length: 1000 }, (_, i) => i % 10);
  const a = stratifiedSplit(labels, 10, 100, 42);
  const b = stratifiedSplit(labels, 10, 100, 42);
  const c = stratifiedSplit(labels, 10, 100, 43);
  assert.deepEqual([...a.val], [...b.val]);
  assert.notDeepEqual([...a.val], [...c.val]);
  assert.equal(a.val.length, 100);
  assert.equal(a.train.length, 900);
  const all = [...a.train, ...a.val].sort((x, y) => x - y);
  assert.deepEqual(
    all,
    Array.from({ length: 1000 }, (_, i) => i),
  );
  const perClass = new Array(10).fill(0);
  for (const i of a.val) perClass[labels[i]]++;
  assert.deepEqual(perClass, new Array(10).fill(10));
  assert.ok(
    [...a.val].every((v, i) => i === 0 || v > a.val[i - 1]),
    'sorted ascending',
  );
  assert.throws(() => stratifiedSplit(labels, 10, 1000, 1), /validation size 1000: expected an integer in \[0, 999\]/);
});
