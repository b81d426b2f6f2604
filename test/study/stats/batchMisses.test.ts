import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { batchMisses, batchMissScorer } from '../../../src/study/stats/batchMisses';
import { binCascade, sortGrid } from '../../../src/offloading/thresholdBins';
import type { CascadeKeys } from '../../../src/cascade/cascadeKeys';
import { createRng } from '../../../src/util/rng';
import { drawIndices } from '../../../src/study/stats/resample';

/** Random keys on a coarse lattice (so thresholds hit keys exactly and `≥` is exercised). */
function randomKeys(n: number, E: number, seed: number): CascadeKeys {
  const rng = createRng(seed);
  const keys = Array.from({ length: E }, () =>
    Float64Array.from({ length: n }, () => Math.round(rng.next() * 20) / 20),
  );
  const correct = Array.from({ length: E }, () => Uint8Array.from({ length: n }, () => (rng.next() < 0.7 ? 1 : 0)));
  return { keys, correct };
}

/** One cascade pass per threshold and batch, straight from the keys (final-exit fallback). */
function naive(keys: CascadeKeys, k: number, t: number[], seq: Int32Array, batchSize: number) {
  const nb = Math.floor(seq.length / batchSize);
  const F = keys.keys.length - 1;
  return t.map((p) => {
    let outage = 0;
    let miss = 0;
    for (let bi = 0; bi < nb; bi++) {
      let cnt = 0;
      let ok = 0;
      let all = 0;
      for (let s = bi * batchSize; s < (bi + 1) * batchSize; s++) {
        const i = seq[s];
        let e = 0;
        while (e < k && !(keys.keys[e][i] >= p)) e++;
        if (e < k) {
          cnt++;
          ok += keys.correct[e][i];
        } else all += keys.correct[F][i];
      }
      if (cnt > 0 && ok / cnt < p) outage++;
      if ((ok + all) / batchSize < p) miss++;
    }
    return [outage / nb, miss / nb];
  });
}

test('the packed scorer equals batchMisses bit for bit and a per-threshold cascade', () => {
  const n = 301;
  const keys = randomKeys(n, 3, 5);
  const rng = createRng(9);
  for (const k of [1, 2]) {
    for (const fallback of ['final', 'most-confident'] as const) {
      for (const pts of [
        [0.7, 0.8, 0.9, 0.35],
        [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
      ]) {
        const sorted = sortGrid(pts).values;
        const b = binCascade(keys, sorted, { edgeExits: k, fallback });
        for (const batchSize of [1, 7, 64, 300]) {
          const score = batchMissScorer(b, sorted, batchSize);
          for (let rep = 0; rep < 3; rep++) {
            const seq = drawIndices(n, rng);
            const got = score(seq);
            const want = batchMisses(b, sorted, seq, batchSize);
            assert.deepEqual(got, want, `k ${k} ${fallback} G ${pts.length} batch ${batchSize}`);
            if (fallback === 'final') {
              const ref = naive(keys, k, Array.from(sorted), seq, batchSize);
              assert.deepEqual(
                Array.from(got.outage).map((v, g) => [v, got.accuracyMiss[g]]),
                ref,
                `naive k ${k} batch ${batchSize}`,
              );
            }
          }
        }
      }
    }
  }
});

test('wide grids score the same; batches too large to pack fall back; no full batch is an error', () => {
  const n = 50;
  const keys = randomKeys(n, 3, 2);
  const wide = sortGrid(Array.from({ length: 40 }, (_, g) => 0.5 + g / 100)).values;
  const b = binCascade(keys, wide, { edgeExits: 2 });
  const seq = drawIndices(n, createRng(1));
  assert.deepEqual(batchMissScorer(b, wide, 8)(seq), batchMisses(b, wide, seq, 8));
  const few = sortGrid([0.6, 0.9]).values;
  const bf = binCascade(keys, few, { edgeExits: 2 });
  // R = 2^18: three fields need 54 bits, so this takes batchMisses itself (which finds no full batch).
  assert.throws(() => batchMissScorer(bf, few, 200_000)(seq), /batch size 200000: larger than the 50 test samples/);
  assert.deepEqual(batchMissScorer(bf, few, 50)(seq), batchMisses(bf, few, seq, 50));
});
