/**
 * npm run bench:sweep — the offloading simulator's speed, against baselines run in this process.
 *  1. A 1,001-threshold p_tar sweep over 1,000,000 samples × 3 exits (k = 2 device branches):
 *     the all-thresholds-at-once sweep vs the naive loop (one full cascade pass per threshold).
 *     The naive loop is timed on every 20th threshold (51 of them) and extrapolated linearly to
 *     1,001 — its cost is exactly proportional to the number of thresholds — and the output says so.
 *     Results are checked equal on those 51 thresholds.
 *  2. Outage probability (100 rounds × batches of 256) over 10,000 samples and 50 thresholds, plus
 *     missed-deadline (50 p_tar × 41 deadlines) and a 200-resample bootstrap: wall times.
 * Synthetic scores from a seeded RNG; timings are medians of a few repeats.
 */
import { performance } from 'node:perf_hooks';
import type { ExitScores } from '../src/records/scores';
import { createRng } from '../src/util/rng';
import { keysFromScores } from '../src/cascade/cascadeKeys';
import { sweepThresholds } from '../src/offloading/thresholdSweep';
import { naiveSweep } from './naiveSweep';
import { outageProbability } from '../src/offloading/outage';
import { missedDeadlineProbability } from '../src/offloading/missedDeadline';
import { constantSampleTimes } from '../src/offloading/sampleTimes';
import { bootstrapSweepBands } from '../src/offloading/bootstrapBands';

function syntheticScores(n: number, exits: number, seed: number): { scores: ExitScores[]; labels: Int32Array } {
  const rng = createRng(seed);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = rng.int(10);
  const scores: ExitScores[] = [];
  for (let e = 0; e < exits; e++) {
    const confidence = new Float64Array(n);
    const prediction = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = 0.1 + 0.9 * Math.pow(rng.next(), 0.6 - 0.15 * e);
      confidence[i] = c;
      prediction[i] = rng.next() < c ? labels[i] : rng.int(10);
    }
    scores.push({ confidence, prediction });
  }
  return { scores, labels };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time<T>(repeats: number, f: () => T): { ms: number; value: T } {
  const ts: number[] = [];
  let value = f(); // warm-up (JIT), not timed
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    value = f();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), value };
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

// 1. Sweep: 1,001 thresholds × 1,000,000 samples × 3 exits.
const N = 1_000_000;
const { scores, labels } = syntheticScores(N, 3, 1);
const grid = Array.from({ length: 1001 }, (_, i) => Number((i * 0.001).toPrecision(12)));
const opts = { edgeExits: 2 };
const fast = time(3, () => sweepThresholds(keysFromScores(scores, labels), grid, opts));
const subset = grid.filter((_, i) => i % 20 === 0);
const naive = time(1, () => naiveSweep(scores, labels, subset, opts));
const naiveFull = (naive.ms * grid.length) / subset.length;
const fastSubset = fast.value.filter((_, i) => i % 20 === 0);
const same = JSON.stringify(fastSubset) === JSON.stringify(naive.value);
const ratio = naiveFull / fast.ms;
console.log('sweep: 1,000,000 samples × 3 exits (k = 2), 1,001 p_tar thresholds');
console.log(`  all-at-once sweep (incl. correctness flags): ${fmt(fast.ms)}`);
console.log(
  `  naive loop: ${fmt(naive.ms)} for ${subset.length} thresholds (every 20th), extrapolated ×${(grid.length / subset.length).toFixed(2)} to 1,001 → ${fmt(naiveFull)}`,
);
console.log(
  `  speed-up: ${ratio.toFixed(0)}× (goal ≥ 50×: ${ratio >= 50 ? 'met' : 'NOT met'}); results identical on the ${subset.length} shared thresholds: ${same}`,
);

// 2. Outage / deadline / bootstrap over 10,000 samples and 50 thresholds.
const small = syntheticScores(10_000, 3, 2);
const keys = keysFromScores(small.scores, small.labels);
const grid50 = Array.from({ length: 50 }, (_, i) => Number((0.5 + i * 0.01).toPrecision(12)));
const outage = time(5, () => outageProbability(keys, grid50, { edgeExits: 2, rounds: 100, batchSize: 256, seed: 0 }));
console.log('outage: 10,000 samples, 50 p_tar, 100 rounds × batches of 256 (k = 2)');
console.log(`  ${fmt(outage.ms)} (interactive goal: well under 1 s: ${outage.ms < 1000 ? 'met' : 'NOT met'})`);
const times = constantSampleTimes(
  { exitMs: [2, 3], offloadMs: 40, parts: { deviceMs: 3, rttMs: 0, uploadMs: 35, cloudMs: 2 } },
  10_000,
);
const deadlinesMs = Array.from({ length: 41 }, (_, i) => i * 1.25);
const deadline = time(3, () =>
  missedDeadlineProbability(keys, grid50, times, { edgeExits: 2, deadlinesMs, rounds: 100, batchSize: 256, seed: 0 }),
);
console.log(`missed deadline: same data, 50 p_tar × 41 deadlines, 100 rounds × 256: ${fmt(deadline.ms)}`);
const boot = time(3, () => bootstrapSweepBands(keys, grid50, { edgeExits: 2, seed: 0, replicates: 200 }));
console.log(`bootstrap bands: same data, 50 p_tar, 200 resamples: ${fmt(boot.ms)}`);
