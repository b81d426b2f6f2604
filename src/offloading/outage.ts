import { checkPTarGrid, type CascadeKeys, type CascadeLayout } from '../cascade/cascadeKeys';
import { binCascade, sortGrid, type BinnedCascade } from './thresholdBins';
import { accumulateBatch } from './batchCounts';
import { batchRoundsSettings, meanCi, numBatches, roundPermutations, type BatchRoundsOptions } from './batchRounds';

/** Edge inference outage probability at one p_tar. */
export interface OutageRow {
  pTar: number;
  /** Mean over rounds of the fraction of batches in outage. */
  outageProbability: number;
  /** 95 % CI over rounds (null with a single round). */
  ciLow: number | null;
  ciHigh: number | null;
}

/**
 * Outage fraction per round and per sorted-grid threshold, for given shuffles (docs/paper-notes.md#outage):
 * batch b is in outage at p_tar iff it has device samples and Acc_edge(b) < p_tar (strict), where
 * Acc_edge(b) counts only that batch's device-classified samples. A batch with no device sample is
 * not an outage (NaN < p_tar is false in the reference code). Per batch, every threshold is handled
 * at once with difference arrays: O(B·k + G) per batch.
 * @returns one Float64Array of length G per permutation.
 */
export function outageFromPermutations(
  b: BinnedCascade,
  sorted: Float64Array,
  perms: Iterable<Int32Array>,
  batchSize: number,
): Float64Array[] {
  const G = sorted.length;
  const n = b.numSamples;
  const devCount = new Float64Array(G + 1);
  const devOk = new Float64Array(G + 1);
  const out: Float64Array[] = [];
  for (const perm of perms) {
    const outages = new Float64Array(G);
    for (let start = 0; start < n; start += batchSize) {
      accumulateBatch(b, perm, start, Math.min(n, start + batchSize), devCount, devOk);
      let cnt = 0;
      let ok = 0;
      for (let g = 0; g < G; g++) {
        cnt += devCount[g];
        ok += devOk[g];
        if (cnt > 0 && ok / cnt < sorted[g]) outages[g] += 1;
      }
    }
    const nb = numBatches(n, batchSize);
    for (let g = 0; g < G; g++) outages[g] /= nb;
    out.push(outages);
  }
  return out;
}

/** Options of `outageProbability`; the fallback does not matter (only device answers count). */
export type OutageOptions = CascadeLayout & BatchRoundsOptions;

/**
 * Edge inference outage probability over a p_tar grid (docs/paper-notes.md#outage): R rounds of shuffled batches
 * of B (defaults 100 × 256, seed 0), mean over rounds and 95 % CI. p_tar is both the exit threshold
 * and the accuracy target. Rows come back in the grid's order.
 */
export function outageProbability(input: CascadeKeys, pTars: readonly number[], opts: OutageOptions): OutageRow[] {
  checkPTarGrid(pTars);
  const { batchSize, rounds, seed } = batchRoundsSettings(opts);
  const grid = sortGrid(pTars);
  const b = binCascade(input, grid.values, opts);
  const perRound = outageFromPermutations(b, grid.values, roundPermutations(b.numSamples, rounds, seed), batchSize);
  const rows = new Array<OutageRow>(pTars.length);
  for (let g = 0; g < pTars.length; g++) {
    const { mean, ciLow, ciHigh } = meanCi(perRound.map((r) => r[g]));
    rows[grid.order[g]] = { pTar: grid.values[g], outageProbability: mean, ciLow, ciHigh };
  }
  return rows;
}
