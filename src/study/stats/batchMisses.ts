import type { BinnedCascade } from '../../offloading/thresholdBins';
import { ConfigError } from '../../errors';
import { accumulateBatch } from '../../offloading/batchCounts';

/** Per sorted threshold: fraction of full batches in outage, and fraction whose overall accuracy misses p_tar. */
export interface BatchMisses {
  /** Device outage: the batch has device answers and their accuracy is < p_tar (docs/paper-notes.md#outage). */
  outage: Float64Array;
  /** Accuracy miss: the batch's overall accuracy (device + offloaded answers) is < p_tar. */
  accuracyMiss: Float64Array;
  /** Full batches scored. */
  batches: number;
}

/**
 * Cut a sequence of sample indices (a shuffle, or a bootstrap resample in drawn order, repeats
 * allowed) into consecutive batches of `batchSize` and score every full batch at every threshold at
 * once (difference arrays over the binned cascade). A trailing partial batch is dropped: it is
 * smaller, so its accuracy is noisier and it would weigh like a full batch.
 * The accuracy miss at p_tar equals the missed-deadline probability once the deadline covers the
 * slowest outcome (its plateau).
 */
export function batchMisses(b: BinnedCascade, sorted: Float64Array, seq: Int32Array, batchSize: number): BatchMisses {
  const G = sorted.length;
  const nb = Math.floor(seq.length / batchSize);
  if (nb < 1)
    throw new ConfigError(
      `batch size ${batchSize}: larger than the ${seq.length} test samples; no full batch to score`,
    );
  const devCount = new Float64Array(G + 1);
  const devOk = new Float64Array(G + 1);
  const allOk = new Float64Array(G + 1);
  const outage = new Float64Array(G);
  const accuracyMiss = new Float64Array(G);
  for (let bi = 0; bi < nb; bi++) {
    accumulateBatch(b, seq, bi * batchSize, (bi + 1) * batchSize, devCount, devOk, allOk);
    let cnt = 0;
    let ok = 0;
    let off = 0;
    for (let g = 0; g < G; g++) {
      cnt += devCount[g];
      ok += devOk[g];
      off += allOk[g];
      if (cnt > 0 && ok / cnt < sorted[g]) outage[g] += 1;
      if ((ok + off) / batchSize < sorted[g]) accuracyMiss[g] += 1;
    }
  }
  for (let g = 0; g < G; g++) {
    outage[g] /= nb;
    accuracyMiss[g] /= nb;
  }
  return { outage, accuracyMiss, batches: nb };
}
