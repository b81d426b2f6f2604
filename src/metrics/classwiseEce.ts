import type { FloatArray } from '../records/types';
import type { BinningOptions } from './types';
import { binEdges, binTotals } from './binning';
import { normOfGaps } from './calibrationError';
import { checkProbabilities } from './checks';

/** A classwise calibration error: the mean over classes and each class's own value. */
export interface ClasswiseResult {
  value: number;
  /** Calibration error of each class k (confidence p[:, k], outcome label === k). */
  perClass: Float64Array;
}

/**
 * Classwise ECE (Kull et al. 2019): (1/C) Σ_k Σ_b (n_bk/N)·|freq_bk − conf_bk|, where class k's
 * probabilities p[:, k] of *all* samples are binned and freq_bk is the fraction of the bin whose
 * label is k. Default 15 equal-width bins; probabilities exactly 0 go to the first bin.
 * A class that never occurs is still scored (its frequency is 0 in every bin).
 */
export function classwiseEce(
  probs: FloatArray,
  labels: Int32Array,
  numClasses: number,
  opts: BinningOptions = {},
): ClasswiseResult {
  checkProbabilities(probs, labels, numClasses, 'classwiseEce');
  const C = numClasses;
  const n = labels.length;
  const column = new Float64Array(n);
  const outcome = new Uint8Array(n);
  const perClass = new Float64Array(C);
  for (let k = 0; k < C; k++) {
    for (let i = 0; i < n; i++) {
      column[i] = probs[i * C + k];
      outcome[i] = labels[i] === k ? 1 : 0;
    }
    perClass[k] = normOfGaps(binTotals(column, outcome, binEdges(column, opts)), 'l1');
  }
  let sum = 0;
  for (let k = 0; k < C; k++) sum += perClass[k];
  return { value: sum / C, perClass };
}

/**
 * Adaptive calibration error (ACE, Nixon et al. 2019, "Measuring Calibration in Deep Learning"):
 * classwise ECE with equal-mass ranges per class, so every range holds about N/R predictions.
 * Not netcal's "ACE", which is the equal-width ECE with every bin weighted equally.
 * @param opts.bins - number of ranges R per class (default 15).
 */
export function adaptiveEce(
  probs: FloatArray,
  labels: Int32Array,
  numClasses: number,
  opts: { bins?: number } = {},
): ClasswiseResult {
  return classwiseEce(probs, labels, numClasses, { bins: opts.bins ?? 15, scheme: 'equal-mass' });
}
