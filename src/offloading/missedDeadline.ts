import { ConfigError, ShapeMismatchError } from '../errors';
import { checkPTarGrid, type CascadeKeys, type CascadeLayout } from '../cascade/cascadeKeys';
import { binCascade, sortGrid, type BinnedCascade } from './thresholdBins';
import { batchRoundsSettings, meanCi, numBatches, roundPermutations, type BatchRoundsOptions } from './batchRounds';
import type { SampleTimes } from './sampleTimes';

/** Missed-deadline probability at one (p_tar, deadline). */
export interface DeadlineRow {
  pTar: number;
  /** Deadline t_tar in ms. */
  deadlineMs: number;
  /** Mean over rounds of the fraction of batches that miss (accuracy or time). */
  missedProbability: number;
  ciLow: number | null;
  ciHigh: number | null;
}

/** Number of sorted values strictly below x. */
function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Missed fraction per round, per sorted p_tar g and sorted deadline d (index g·D + d), for given
 * shuffles (docs/paper-notes.md#missed-deadline): batch b misses iff Acc_total(b) < p_tar OR mean time of b > t_tar.
 * Time and correctness of a sample are taken together (aligned batches; DR_EENN drew times from a
 * separately shuffled list because its times were measured apart). Per batch all thresholds are
 * done at once with difference arrays, and all deadlines with one binary search per threshold.
 * Time sums go through a difference array, so they can differ from a direct sum in the last bits.
 */
export function missedDeadlineFromPermutations(
  b: BinnedCascade,
  sortedP: Float64Array,
  times: SampleTimes,
  sortedDeadlines: Float64Array,
  perms: Iterable<Int32Array>,
  batchSize: number,
): Float64Array[] {
  const G = sortedP.length;
  const D = sortedDeadlines.length;
  const n = b.numSamples;
  const m = b.deviceExits.length;
  const exitTimes = b.deviceExits.map((e) => times.exitMs[e]);
  const okD = new Float64Array(G + 1);
  const timeD = new Float64Array(G + 1);
  const out: Float64Array[] = [];
  for (const perm of perms) {
    const missD = new Float64Array(G * (D + 1));
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      okD.fill(0);
      timeD.fill(0);
      for (let s = start; s < end; s++) {
        const i = perm[s];
        for (let j = 0; j < m; j++) {
          const lo = b.lo[j][i];
          const hi = b.hi[j][i];
          if (lo >= hi) continue;
          const t = exitTimes[j][i];
          timeD[lo] += t;
          timeD[hi] -= t;
          if (b.correct[j][i]) {
            okD[lo] += 1;
            okD[hi] -= 1;
          }
        }
        timeD[b.offBin[i]] += times.offloadMs[i];
        if (b.offCorrect[i]) okD[b.offBin[i]] += 1;
      }
      const len = end - start;
      let ok = 0;
      let tsum = 0;
      for (let g = 0; g < G; g++) {
        ok += okD[g];
        tsum += timeD[g];
        // Missed at every deadline when accuracy fails, else at the deadlines below the mean time.
        const cut = ok / len < sortedP[g] ? D : countBelow(sortedDeadlines, tsum / len);
        missD[g * (D + 1)] += 1;
        missD[g * (D + 1) + cut] -= 1;
      }
    }
    const nb = numBatches(n, batchSize);
    const missed = new Float64Array(G * D);
    for (let g = 0; g < G; g++) {
      let c = 0;
      for (let d = 0; d < D; d++) {
        c += missD[g * (D + 1) + d];
        missed[g * D + d] = c / nb;
      }
    }
    out.push(missed);
  }
  return out;
}

/** Options of `missedDeadlineProbability`. */
export interface DeadlineOptions extends CascadeLayout, BatchRoundsOptions {
  /** Deadlines t_tar in ms (any order; each ≥ 0). */
  deadlinesMs: readonly number[];
}

/**
 * Missed-deadline probability over grids of p_tar and deadlines (docs/paper-notes.md#missed-deadline): R rounds of
 * shuffled batches of B, mean and 95 % CI. Rows: for each p_tar (grid order), each deadline (order
 * given). `times` gives every sample's time under every outcome (`constantSampleTimes` from the
 * latency model, or a replayed CSV).
 */
export function missedDeadlineProbability(
  input: CascadeKeys,
  pTars: readonly number[],
  times: SampleTimes,
  opts: DeadlineOptions,
): DeadlineRow[] {
  checkPTarGrid(pTars);
  const { batchSize, rounds, seed } = batchRoundsSettings(opts);
  if (opts.deadlinesMs.length === 0) throw new ConfigError('deadline grid is empty');
  for (const t of opts.deadlinesMs) {
    if (!(t >= 0) || !Number.isFinite(t)) throw new ConfigError(`deadline ${t} ms: expected a finite number ≥ 0`);
  }
  const pg = sortGrid(pTars);
  const dg = sortGrid(opts.deadlinesMs);
  const b = binCascade(input, pg.values, opts);
  const n = b.numSamples;
  if (times.offloadMs.length !== n || b.deviceExits.some((e) => times.exitMs[e]?.length !== n)) {
    throw new ShapeMismatchError(
      `sample times: expected ${n} samples for every device exit 1…${b.edgeExits} and the offload path`,
    );
  }
  const perRound = missedDeadlineFromPermutations(
    b,
    pg.values,
    times,
    dg.values,
    roundPermutations(n, rounds, seed),
    batchSize,
  );
  const G = pTars.length;
  const D = opts.deadlinesMs.length;
  const rows = new Array<DeadlineRow>(G * D);
  for (let g = 0; g < G; g++) {
    for (let d = 0; d < D; d++) {
      const { mean, ciLow, ciHigh } = meanCi(perRound.map((r) => r[g * D + d]));
      rows[pg.order[g] * D + dg.order[d]] = {
        pTar: pg.values[g],
        deadlineMs: dg.values[d],
        missedProbability: mean,
        ciLow,
        ciHigh,
      };
    }
  }
  return rows;
}
