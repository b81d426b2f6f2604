import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { replicateDraws } from '../../../src/study/stats/replicateDraws';
import { drawIndices, reshuffle } from '../../../src/study/stats/resample';
import { createRng } from '../../../src/util/rng';

// The bootstrap's replicates used to be drawn one after the other from one generator; drawing
// replicate r on its own (any thread, any order) must give exactly those numbers.
test('replicate r drawn on its own equals the r-th replicate of the sequential stream', () => {
  for (const [seed, valN, testN, S] of [
    [0, 37, 53, 4],
    [7, 5, 1, 1],
    [123456, 200, 300, 3],
  ] as const) {
    const rng = createRng(seed);
    for (let r = 0; r < 12; r++) {
      const valIdx = drawIndices(valN, rng);
      const testIdx = drawIndices(testN, rng);
      const seqs = [testIdx];
      for (let k = 1; k < S; k++) seqs.push(reshuffle(testIdx, rng));
      const d = replicateDraws(seed, r, { valSamples: valN, testSamples: testN, shufflesPerReplicate: S });
      assert.deepEqual(d.valIdx, valIdx, `seed ${seed} replicate ${r}`);
      assert.deepEqual(d.seqs, seqs, `seed ${seed} replicate ${r}`);
      const w = new Int32Array(testN);
      for (const i of testIdx) w[i]++;
      assert.deepEqual(d.weights, w);
    }
  }
});

test('a far replicate (state arithmetic past 2^32 numbers) matches the stream', () => {
  // 100,000 replicates × 45,000 numbers passes 2^32: replicate r's state wraps modulo 2^32.
  const shape = { valSamples: 3, testSamples: 4, shufflesPerReplicate: 2 };
  const rng = createRng(3);
  for (let r = 0; r < 2000; r++) {
    const valIdx = drawIndices(3, rng);
    const testIdx = drawIndices(4, rng);
    reshuffle(testIdx, rng);
    if (r === 1999) {
      const last = replicateDraws(3, r, shape);
      assert.deepEqual(last.valIdx, valIdx);
      assert.deepEqual(last.testIdx, testIdx);
    }
  }
  // Wrap-around: state for r with r·m ≥ 2^32 equals the state after stepping that many times.
  const big = replicateDraws(0, 200_000, { valSamples: 25_000, testSamples: 1, shufflesPerReplicate: 1 });
  let s = createRng(0).state();
  const steps = (200_000 * 25_001) % 2 ** 32;
  s = (s + Number((BigInt(steps) * 0x6d2b79f5n) % 2n ** 32n)) % 2 ** 32;
  assert.deepEqual(big.valIdx, drawIndices(25_000, createRng(0, s)));
});
