import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outageFromPermutations, outageProbability } from '../../src/offloading/outage';
import { binCascade, sortGrid } from '../../src/offloading/thresholdBins';
import { keysFromScores } from '../../src/cascade/cascadeKeys';
import { meanCi, numBatches, roundPermutations, Z_975 } from '../../src/offloading/batchRounds';
import { runCascade } from '../../src/cascade/runCascade';
import { ConfigError } from '../../src/errors';
import { randomCase, scoresOf } from './helpers';

// Six samples, k = 1. Branch (confidence, right?): s0 0.9 ✓, s1 0.8 ✗, s2 0.6 ✓, s3 0.3 ✗, s4 0.95 ✗, s5 0.4 ✓.
const labels = Int32Array.from([0, 0, 0, 0, 0, 0]);
const scores = scoresOf(
  [
    [0.9, 0.8, 0.6, 0.3, 0.95, 0.4],
    [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  ],
  [
    [0, 1, 0, 1, 1, 0],
    [0, 0, 0, 0, 0, 0],
  ],
);

test('outage on a tiny case, checked by hand (partial last batch, strict <, empty batch is no outage)', () => {
  const grid = [0.5, 0.7, 0.85, 0.99];
  const b = binCascade(keysFromScores(scores, labels), Float64Array.from(grid), { edgeExits: 1 });
  // Batches of 4: round A {s0 s1 s2 s3} {s4 s5}; round B {s4 s0 s5 s3} {s2 s1}.
  const perms = [Int32Array.from([0, 1, 2, 3, 4, 5]), Int32Array.from([4, 0, 5, 3, 2, 1])];
  const [a, bRound] = outageFromPermutations(b, Float64Array.from(grid), perms, 4);
  // Round A. p 0.5: acc 2/3 and 0/1 → 1 of 2.  p 0.7: 1/2 and 0/1 → 2.  p 0.85: 1/1 and 0/1 → 1.
  // p 0.99: no device sample in either batch → 0.
  assert.deepEqual([...a], [0.5, 1, 0.5, 0]);
  // Round B. p 0.5: 1/2 is not < 0.5 in both batches → 0.  p 0.7: 1/2 and 0/1 → 2.  p 0.85: 1/2 and none → 1.
  assert.deepEqual([...bRound], [0, 1, 0.5, 0]);
  // Mean over the two rounds and the 95 % CI by hand: p 0.5 → values (0.5, 0): sd = 0.5/√2, half = z·sd/√2 = z/4.
  const ci = meanCi([0.5, 0]);
  assert.equal(ci.mean, 0.25);
  assert.ok(Math.abs((ci.ciLow as number) - (0.25 - Z_975 / 4)) < 1e-15);
  assert.ok(Math.abs((ci.ciHigh as number) - (0.25 + Z_975 / 4)) < 1e-15);
  assert.deepEqual(meanCi([1, 1]), { mean: 1, ciLow: 1, ciHigh: 1 });
  assert.deepEqual(meanCi([0.3]), { mean: 0.3, ciLow: null, ciHigh: null });
  assert.equal(numBatches(6, 4), 2);
  assert.equal(numBatches(512, 256), 2);
});

test('outage is reproducible for a seed, and rows follow the grid order', () => {
  const { keys } = randomCase(21, 1500, 3, 4, 0);
  const grid = [0.9, 0.6, 0.75];
  const one = outageProbability(keys, grid, { edgeExits: 2, seed: 7, rounds: 20, batchSize: 100 });
  const two = outageProbability(keys, grid, { edgeExits: 2, seed: 7, rounds: 20, batchSize: 100 });
  assert.deepEqual(one, two);
  assert.deepEqual(
    one.map((r) => r.pTar),
    grid,
  );
  const other = outageProbability(keys, grid, { edgeExits: 2, seed: 8, rounds: 20, batchSize: 100 });
  assert.notDeepEqual(one, other);
  for (const r of one)
    assert.ok(r.ciLow !== null && r.ciLow <= r.outageProbability && r.outageProbability <= (r.ciHigh as number));
});

test('outage equals a naive per-batch cascade loop (disabled branch, uneven batches)', () => {
  const { scores: sc, labels: y, keys } = randomCase(33, 700, 4, 3, 40);
  const grid = [0.5, 0.6, 0.7, 0.8, 0.9];
  const disabled = new Set([2]);
  const rows = outageProbability(keys, grid, { edgeExits: 3, disabled, seed: 3, rounds: 6, batchSize: 64 });
  const perRound: number[][] = grid.map(() => []);
  for (const perm of roundPermutations(700, 6, 3)) {
    grid.forEach((p, g) => {
      const res = runCascade(sc, { edgeExits: 3, pTar: p, disabled });
      let outages = 0;
      for (let s = 0; s < 700; s += 64) {
        let dev = 0;
        let ok = 0;
        for (const i of perm.subarray(s, s + 64))
          if (res.onDevice[i]) {
            dev++;
            ok += res.prediction[i] === y[i] ? 1 : 0;
          }
        if (dev > 0 && ok / dev < p) outages++;
      }
      perRound[g].push(outages / Math.ceil(700 / 64));
    });
  }
  rows.forEach((r, g) =>
    assert.deepEqual(r, {
      pTar: grid[g],
      outageProbability: meanCi(perRound[g]).mean,
      ciLow: meanCi(perRound[g]).ciLow,
      ciHigh: meanCi(perRound[g]).ciHigh,
    }),
  );
});

test('outage bad input: p_tar outside [0, 1], batch size, rounds, K too large', () => {
  const keys = keysFromScores(scores, labels);
  assert.throws(() => outageProbability(keys, [1.5], { edgeExits: 1 }), /p_tar = 1\.5/);
  assert.throws(
    () => outageProbability(keys, [0.5], { edgeExits: 1, batchSize: 0 }),
    (e: unknown) => e instanceof ConfigError && /batch size 0/.test(e.message),
  );
  assert.throws(() => outageProbability(keys, [0.5], { edgeExits: 1, rounds: 2.5 }), /rounds 2\.5/);
  assert.throws(
    () => outageProbability(keys, [0.5], { edgeExits: 2 }),
    /edge exits k = 2: expected an integer in \[1, 1\]/,
  );
  assert.deepEqual(sortGrid([0.3, 0.1]).order, Int32Array.from([1, 0]));
});
