import type { BinnedCascade } from './thresholdBins';

/**
 * Add the samples seq[start … end) of one batch into difference arrays over the sorted thresholds
 * (cleared first): after a prefix sum, devCount[g] is how many of them the device answers at
 * threshold g, devOk[g] how many of those it answers correctly, and (when given) offOk[g] how many
 * offloaded ones the cloud answers correctly. O(batch · k), every threshold at once; outage and the
 * batch-miss bootstrap both score batches from these.
 */
export function accumulateBatch(
  b: BinnedCascade,
  seq: Int32Array,
  start: number,
  end: number,
  devCount: Float64Array,
  devOk: Float64Array,
  offOk?: Float64Array,
): void {
  const m = b.deviceExits.length;
  devCount.fill(0);
  devOk.fill(0);
  offOk?.fill(0);
  for (let s = start; s < end; s++) {
    const i = seq[s];
    devCount[0] += 1; // on the device at every g < offBin
    devCount[b.offBin[i]] -= 1;
    for (let j = 0; j < m; j++) {
      const lo = b.lo[j][i];
      const hi = b.hi[j][i];
      if (lo < hi && b.correct[j][i]) {
        devOk[lo] += 1;
        devOk[hi] -= 1;
      }
    }
    if (offOk && b.offCorrect[i]) offOk[b.offBin[i]] += 1;
  }
}
