import type { FloatArray } from '../records/types';
import { binTotals, equalMassEdges, type BinTotals } from './binning';
import { checkBins, checkProbabilities, checkTopLabel } from './checks';

/**
 * Debiased L2 calibration error (Kumar, Liang & Ma 2019, "Verified Uncertainty Calibration",
 * `unbiased_l2_ce`). The plug-in squared error per bin, (conf_b − acc_b)², is biased upwards by
 * the sampling variance of acc_b; subtracting acc_b(1 − acc_b)/(n_b − 1) removes it:
 *   CE² ≈ Σ_b (n_b/N)·[(conf_b − acc_b)² − acc_b(1 − acc_b)/(n_b − 1)],  CE = √max(CE², 0).
 * Bins with fewer than 2 samples contribute 0. Bins are equal-mass (Kumar et al.'s default).
 */
export function debiasedSquare(t: BinTotals): number {
  let total = 0;
  for (let b = 0; b < t.count.length; b++) total += t.count[b];
  let sq = 0;
  for (let b = 0; b < t.count.length; b++) {
    const n = t.count[b];
    if (n < 2) continue;
    const conf = t.sumConfidence[b] / n;
    const acc = t.sumCorrect[b] / n;
    sq += (n / total) * ((conf - acc) ** 2 - (acc * (1 - acc)) / (n - 1));
  }
  return sq;
}

/**
 * Top-label debiased L2 calibration error (`get_top_calibration_error` with p = 2 for a scaling
 * method, i.e. `lower_bound_scaling_ce(..., mode='top-label')`).
 * @param opts.bins - number of equal-mass bins (default 15).
 */
export function debiasedL2CalibrationError(
  confidence: FloatArray,
  correct: ArrayLike<number>,
  opts: { bins?: number } = {},
): number {
  checkTopLabel(confidence, correct, 'debiasedL2CalibrationError');
  const bins = opts.bins ?? 15;
  checkBins(bins, 'debiasedL2CalibrationError');
  return Math.sqrt(Math.max(debiasedSquare(binTotals(confidence, correct, equalMassEdges(confidence, bins))), 0));
}

/**
 * Marginal (classwise) debiased L2 calibration error: √(mean_k max(CE_k², 0)) over classes k,
 * each class's probabilities p[:, k] binned on their own equal-mass edges (Kumar et al.'s
 * `get_calibration_error(probs, labels)` default mode).
 */
export function debiasedL2MarginalCalibrationError(
  probs: FloatArray,
  labels: Int32Array,
  numClasses: number,
  opts: { bins?: number } = {},
): number {
  checkProbabilities(probs, labels, numClasses, 'debiasedL2MarginalCalibrationError');
  const bins = opts.bins ?? 15;
  checkBins(bins, 'debiasedL2MarginalCalibrationError');
  const C = numClasses;
  const n = labels.length;
  const column = new Float64Array(n);
  const outcome = new Uint8Array(n);
  let sum = 0;
  for (let k = 0; k < C; k++) {
    for (let i = 0; i < n; i++) {
      column[i] = probs[i * C + k];
      outcome[i] = labels[i] === k ? 1 : 0;
    }
    // Kumar et al. square each class's (already clipped) L2 error before averaging.
    sum += Math.max(debiasedSquare(binTotals(column, outcome, equalMassEdges(column, bins))), 0);
  }
  return Math.sqrt(sum / C);
}
