import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missedDeadlineFromPermutations, missedDeadlineProbability } from '../../src/offloading/missedDeadline';
import { binCascade } from '../../src/offloading/thresholdBins';
import { keysFromScores } from '../../src/cascade/cascadeKeys';
import { constantSampleTimes, type SampleTimes } from '../../src/offloading/sampleTimes';
import { roundPermutations, meanCi } from '../../src/offloading/batchRounds';
import { runCascade } from '../../src/cascade/runCascade';
import { ConfigError, ShapeMismatchError } from '../../src/errors';
import { randomCase, scoresOf } from './helpers';

// Four samples, k = 1, labels 0. Branch: s0 0.9 ✓, s1 0.5 ✗, s2 0.95 ✓, s3 0.2 ✗; final: ✓ ✓ ✓ ✗.
const labels = Int32Array.from([0, 0, 0, 0]);
const scores = scoresOf(
  [
    [0.9, 0.5, 0.95, 0.2],
    [0.6, 0.6, 0.6, 0.6],
  ],
  [
    [0, 1, 0, 1],
    [0, 0, 0, 1],
  ],
);
// Answered on the device: 1 ms; offloaded: 5 ms.
const times = constantSampleTimes(
  { exitMs: [1], offloadMs: 5, parts: { deviceMs: 1, rttMs: 0, uploadMs: 3, cloudMs: 1 } },
  4,
);

test('missed deadline on a tiny case, checked by hand (accuracy OR mean time, strict >)', () => {
  const pGrid = Float64Array.from([0.5, 0.8]);
  const deadlines = Float64Array.from([2, 3, 4]);
  const b = binCascade(keysFromScores(scores, labels), pGrid, { edgeExits: 1 });
  const [r] = missedDeadlineFromPermutations(b, pGrid, times, deadlines, [Int32Array.from([0, 1, 2, 3])], 2);
  // p 0.5: batch {s0, s1} both on device (0.5 ≥ 0.5), acc 1/2 (not < 0.5), mean 1 ms → never missed;
  //        batch {s2, s3}: s2 device ✓ 1 ms, s3 offloaded ✗ 5 ms → acc 1/2, mean 3 ms → missed at t = 2 only.
  // p 0.8: batch {s0, s1}: s0 device ✓, s1 offloaded, final ✓ → acc 1, mean 3 → missed at 2 (3 is not > 3);
  //        batch {s2, s3}: acc 1/2 < 0.8 → missed at every deadline.
  assert.deepEqual([...r], [0.5, 0, 0, 1, 0.5, 0.5]);
});

test('missed deadline: rows per (p_tar, deadline) in the given order, reproducible, equal to a naive loop', () => {
  const { scores: sc, labels: y, keys } = randomCase(44, 900, 3, 4, 0);
  const n = 900;
  const t: SampleTimes = {
    exitMs: [
      Float64Array.from({ length: n }, (_, i) => 10 + (i % 7)),
      Float64Array.from({ length: n }, (_, i) => 20 + (i % 5)),
    ],
    offloadMs: Float64Array.from({ length: n }, (_, i) => 100 + (i % 13) * 10),
  };
  const pTars = [0.7, 0.5];
  const deadlinesMs = [80, 20, 50];
  const opts = { edgeExits: 2, fallback: 'most-confident' as const, deadlinesMs, seed: 9, rounds: 8, batchSize: 128 };
  const rows = missedDeadlineProbability(keys, pTars, t, opts);
  assert.deepEqual(rows, missedDeadlineProbability(keys, pTars, t, opts));
  assert.deepEqual(
    rows.map((r) => [r.pTar, r.deadlineMs]),
    [
      [0.7, 80],
      [0.7, 20],
      [0.7, 50],
      [0.5, 80],
      [0.5, 20],
      [0.5, 50],
    ],
  );
  const perRound: number[][] = rows.map(() => []);
  for (const perm of roundPermutations(n, 8, 9)) {
    pTars.forEach((p, g) => {
      const res = runCascade(sc, { edgeExits: 2, pTar: p, fallback: 'most-confident' });
      const flags: Array<[boolean, number]> = [];
      for (let s = 0; s < n; s += 128) {
        let ok = 0;
        let sum = 0;
        const batch = perm.subarray(s, s + 128);
        for (const i of batch) {
          ok += res.prediction[i] === y[i] ? 1 : 0;
          sum += res.onDevice[i] ? t.exitMs[res.answeringExit[i]][i] : t.offloadMs[i];
        }
        flags.push([ok / batch.length < p, sum / batch.length]);
      }
      deadlinesMs.forEach((d, j) =>
        perRound[g * 3 + j].push(flags.filter(([bad, m]) => bad || m > d).length / flags.length),
      );
    });
  }
  rows.forEach((r, i) => {
    const want = meanCi(perRound[i]);
    assert.ok(Math.abs(r.missedProbability - want.mean) < 1e-12, `row ${i}`);
  });
  // A later deadline is never missed more often.
  assert.ok(
    rows[0].missedProbability <= rows[2].missedProbability && rows[2].missedProbability <= rows[1].missedProbability,
  );
});

test('missed deadline bad input', () => {
  const keys = keysFromScores(scores, labels);
  assert.throws(
    () => missedDeadlineProbability(keys, [0.8], times, { edgeExits: 1, deadlinesMs: [] }),
    /deadline grid is empty/,
  );
  assert.throws(
    () => missedDeadlineProbability(keys, [0.8], times, { edgeExits: 1, deadlinesMs: [-1] }),
    (e: unknown) => e instanceof ConfigError && /deadline -1 ms/.test(e.message),
  );
  assert.throws(() => missedDeadlineProbability(keys, [2], times, { edgeExits: 1, deadlinesMs: [1] }), /p_tar = 2/);
  const short = constantSampleTimes(
    { exitMs: [1], offloadMs: 5, parts: { deviceMs: 1, rttMs: 0, uploadMs: 3, cloudMs: 1 } },
    3,
  );
  assert.throws(
    () => missedDeadlineProbability(keys, [0.8], short, { edgeExits: 1, deadlinesMs: [1] }),
    ShapeMismatchError,
  );
});
