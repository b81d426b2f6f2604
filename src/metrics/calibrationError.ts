import type { FloatArray } from '../records/types';
import type { BinStat, BinningOptions, CalibrationNorm } from './types';
import { binEdges, binTotals, totalsToBinStats, type BinTotals } from './binning';
import { checkTopLabel } from './checks';

/** Options of {@link calibrationError}: binning plus the norm over bins. */
export interface CalibrationErrorOptions extends BinningOptions {
  /** l1 = ECE (default), l2 = RMSCE, max = MCE. */
  norm?: CalibrationNorm;
}

/** A binned calibration error and the per-bin table it was computed from. */
export interface CalibrationErrorResult {
  value: number;
  bins: BinStat[];
}

/**
 * Norm of the per-bin gaps, weighted by bin mass n_b/N:
 * l1: Σ_b (n_b/N)·|acc_b − conf_b| (ECE, Naeini et al. 2015; Guo et al. 2017),
 * l2: √(Σ_b (n_b/N)·(acc_b − conf_b)²) (RMSCE), max: max over non-empty bins of |acc_b − conf_b| (MCE).
 * Same formulas as torchmetrics' `_ce_compute` with debiasing off.
 */
export function normOfGaps(t: BinTotals, norm: CalibrationNorm): number {
  let total = 0;
  for (let b = 0; b < t.count.length; b++) total += t.count[b];
  let acc = 0;
  for (let b = 0; b < t.count.length; b++) {
    const n = t.count[b];
    if (n === 0) continue;
    const gap = Math.abs(t.sumConfidence[b] / n - t.sumCorrect[b] / n);
    if (norm === 'l1') acc += (n / total) * gap;
    else if (norm === 'l2') acc += (n / total) * gap * gap;
    else if (gap > acc) acc = gap;
  }
  return norm === 'l2' ? Math.sqrt(acc) : acc;
}

/**
 * Binned top-label calibration error and its reliability table. Default: 15 equal-width bins on
 * (0, 1], membership lo < c ≤ hi, L1 norm, i.e. the ECE of Guo et al. 2017 / torchmetrics
 * (docs/paper-notes.md#ece). Empty bins carry no weight.
 * @param confidence - max predicted probability per sample, in [0, 1].
 * @param correct - 1 when the top-label prediction is right, else 0.
 */
export function calibrationError(
  confidence: FloatArray,
  correct: ArrayLike<number>,
  opts: CalibrationErrorOptions = {},
): CalibrationErrorResult {
  checkTopLabel(confidence, correct, 'calibrationError');
  const t = binTotals(confidence, correct, binEdges(confidence, opts));
  return { value: normOfGaps(t, opts.norm ?? 'l1'), bins: totalsToBinStats(t) };
}

/** Expected calibration error (L1; default 15 equal-width bins). */
export function ece(confidence: FloatArray, correct: ArrayLike<number>, opts: BinningOptions = {}): number {
  checkTopLabel(confidence, correct, 'ece');
  return normOfGaps(binTotals(confidence, correct, binEdges(confidence, opts)), 'l1');
}

/** Root-mean-square calibration error (L2 norm over bins; default 15 equal-width bins). */
export function rmsce(confidence: FloatArray, correct: ArrayLike<number>, opts: BinningOptions = {}): number {
  return calibrationError(confidence, correct, { ...opts, norm: 'l2' }).value;
}

/** Maximum calibration error: largest |accuracy − confidence| over non-empty bins. */
export function mce(confidence: FloatArray, correct: ArrayLike<number>, opts: BinningOptions = {}): number {
  return calibrationError(confidence, correct, { ...opts, norm: 'max' }).value;
}
