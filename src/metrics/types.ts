/**
 * Shared types of the metrics library. Every metric is a pure function over typed arrays:
 * top-label metrics take (confidence, correct) pairs, multiclass metrics take a row-major N×C
 * probability matrix plus integer labels.
 */

/** Top-label view of one set of predictions: what ECE, MCE, smooth ECE … consume. */
export interface TopLabel {
  /** Max predicted probability per sample, each in [0, 1]. */
  confidence: Float64Array;
  /** 1 when the top-label prediction equals the label, else 0. */
  correct: Uint8Array;
}

/**
 * One bin of a reliability table (what a reliability diagram draws): the samples with
 * lo < confidence ≤ hi (the first bin also holds confidence exactly 0).
 * Empty bins (count 0) report meanConfidence = accuracy = gap = 0; they carry no weight in any
 * calibration error.
 */
export interface BinStat {
  /** Lower edge (exclusive, except 0 for the first bin). */
  lo: number;
  /** Upper edge (inclusive). */
  hi: number;
  /** Number of samples in the bin. */
  count: number;
  /** Mean confidence of the bin's samples (fraction). */
  meanConfidence: number;
  /** Fraction of the bin's samples that are correct. */
  accuracy: number;
  /** meanConfidence − accuracy: > 0 means over-confident in this bin. */
  gap: number;
}

/**
 * Bin edges: equal-width (M bins of width 1/M, Guo et al. 2017) or equal-mass (edges at the
 * midpoints between consecutive groups of sorted confidences, as in Kumar et al. 2019's
 * `get_equal_bins`; coinciding edges are merged, so there can be fewer than M bins).
 */
export type BinScheme = 'equal-width' | 'equal-mass';

/** Norm over the bins: l1 = ECE, l2 = RMSCE, max = MCE (torchmetrics' `norm`). */
export type CalibrationNorm = 'l1' | 'l2' | 'max';

/** How confidences are binned. */
export interface BinningOptions {
  /** Number of bins M (default 15, docs/paper-notes.md#ece). */
  bins?: number;
  /** Bin scheme (default 'equal-width'). */
  scheme?: BinScheme;
}
