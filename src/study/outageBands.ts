import type { CascadeKeys, CascadeLayout } from '../cascade/cascadeKeys';
import { binCascade, sortGrid } from '../offloading/thresholdBins';
import type { OutageRow } from '../offloading/outage';
import { quantileSorted } from '../metrics/bootstrap';
import { createRng, permutation } from '../util/rng';
import { batchMissScorer } from './stats/batchMisses';
import { drawIndices, reshuffle } from './stats/resample';

/** Options of {@link outageWithBootstrapBands}. */
export interface OutageBandOptions {
  batchSize: number;
  /** Shuffles of the test set for the point estimate, and their seed (the report's rounds). */
  rounds: number;
  seed: number;
  /** Test-set bootstrap resamples of the interval, and their seed. */
  replicates: number;
  bootstrapSeed: number;
  /** Shuffles of each resample into batches (default 4). */
  shufflesPerReplicate?: number;
}

/**
 * Outage probability over a p_tar grid with 95 % percentile intervals from a *test-set bootstrap*
 * (each replicate resamples the test rows and cuts them into batches), full batches only. The
 * interval thus reflects which test images were drawn, not only how one fixed test set was
 * shuffled: a mean ± 1.96·SEM over reshuffles measures shuffle noise alone and is several times
 * narrower. Rows come back in the grid's order, as `outageProbability`'s.
 */
export function outageWithBootstrapBands(
  keys: CascadeKeys,
  pTars: readonly number[],
  layout: CascadeLayout,
  o: OutageBandOptions,
): OutageRow[] {
  const grid = sortGrid(pTars);
  const G = grid.values.length;
  const b = binCascade(keys, grid.values, layout);
  const n = b.numSamples;
  const pointRng = createRng(o.seed);
  const point = new Float64Array(G);
  const score = batchMissScorer(b, grid.values, o.batchSize);
  for (let r = 0; r < o.rounds; r++) {
    const m = score(permutation(n, pointRng)).outage;
    for (let g = 0; g < G; g++) point[g] += m[g] / o.rounds;
  }
  const reps = Array.from({ length: G }, () => new Float64Array(o.replicates));
  const rng = createRng(o.bootstrapSeed);
  const S = o.shufflesPerReplicate ?? 4;
  for (let r = 0; r < o.replicates; r++) {
    const idx = drawIndices(n, rng);
    for (let s = 0; s < S; s++) {
      const m = score(s === 0 ? idx : reshuffle(idx, rng)).outage;
      for (let g = 0; g < G; g++) reps[g][r] += m[g] / S;
    }
  }
  const rows = new Array<OutageRow>(G);
  for (let g = 0; g < G; g++) {
    const s = reps[g].sort();
    rows[grid.order[g]] = {
      pTar: grid.values[g],
      outageProbability: point[g],
      ciLow: quantileSorted(s, 0.025),
      ciHigh: quantileSorted(s, 0.975),
    };
  }
  return rows;
}
