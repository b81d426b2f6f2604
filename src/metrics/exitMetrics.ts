import type { FloatArray } from '../records/types';
import { topLabelOf } from './topLabel';
import { nllFromProbabilities } from './nll';
import { brierScore } from './brier';
import { binEdges, binTotals } from './binning';
import { normOfGaps } from './calibrationError';
import { adaptiveEce, classwiseEce } from './classwiseEce';
import { debiasedL2CalibrationError } from './debiasedCalibrationError';
import { smoothEce } from './smoothEce';
import { bootstrapIntervals, type BootstrapInterval, type BootstrapOptions } from './bootstrap';
import { resampledExitMetrics } from './resampledExitMetrics';
import type { SmoothSumKernels } from './resampledSmoothEce';

/** Every scalar metric `eecal metrics` reports for one exit (all fractions, NLL in nats). */
export interface ExitMetricValues {
  accuracy: number;
  /** Mean negative log-likelihood of the label. */
  nll: number;
  /** Multiclass Brier score. */
  brier: number;
  /** Top-label ECE, equal-width bins (docs/paper-notes.md#ece). */
  ece: number;
  /** Top-label ECE with equal-mass bins. */
  eceEqualMass: number;
  /** Root-mean-square calibration error (L2 over equal-width bins). */
  rmsce: number;
  /** Maximum calibration error over non-empty equal-width bins. */
  mce: number;
  /** Nixon et al.'s adaptive calibration error (classwise, equal-mass). */
  adaptiveEce: number;
  /** Kull et al.'s classwise ECE (equal-width). */
  classwiseEce: number;
  /** Kumar et al.'s debiased top-label L2 calibration error (equal-mass). */
  debiasedL2Ce: number;
  /** relplot's smooth ECE. */
  smoothEce: number;
}

/** Metric names in report order. */
export const EXIT_METRIC_NAMES: readonly (keyof ExitMetricValues)[] = [
  'accuracy',
  'nll',
  'brier',
  'ece',
  'eceEqualMass',
  'rmsce',
  'mce',
  'adaptiveEce',
  'classwiseEce',
  'debiasedL2Ce',
  'smoothEce',
];

/**
 * All metrics of one exit from its (calibrated) probabilities.
 * @param probs - row-major N×C probabilities.
 * @param opts.bins - bins of every binned metric (default 15).
 */
export function exitMetrics(
  probs: FloatArray,
  labels: Int32Array,
  numClasses: number,
  opts: { bins?: number } = {},
): ExitMetricValues {
  const bins = opts.bins ?? 15;
  const tl = topLabelOf(probs, labels, numClasses);
  let hits = 0;
  for (let i = 0; i < tl.correct.length; i++) hits += tl.correct[i];
  const widthTotals = binTotals(tl.confidence, tl.correct, binEdges(tl.confidence, { bins }));
  return {
    accuracy: hits / labels.length,
    nll: nllFromProbabilities(probs, labels, numClasses),
    brier: brierScore(probs, labels, numClasses),
    ece: normOfGaps(widthTotals, 'l1'),
    eceEqualMass: normOfGaps(
      binTotals(tl.confidence, tl.correct, binEdges(tl.confidence, { bins, scheme: 'equal-mass' })),
      'l1',
    ),
    rmsce: normOfGaps(widthTotals, 'l2'),
    mce: normOfGaps(widthTotals, 'max'),
    adaptiveEce: adaptiveEce(probs, labels, numClasses, { bins }).value,
    classwiseEce: classwiseEce(probs, labels, numClasses, { bins }).value,
    debiasedL2Ce: debiasedL2CalibrationError(tl.confidence, tl.correct, { bins }),
    smoothEce: smoothEce(tl.confidence, tl.correct).value,
  };
}

/**
 * Percentile-bootstrap intervals of every {@link exitMetrics} value, all from the same seeded
 * resamples of the samples (paired).
 */
export function exitMetricIntervals(
  probs: FloatArray,
  labels: Int32Array,
  numClasses: number,
  opts: BootstrapOptions & {
    bins?: number;
    /** exitMetrics of these probabilities when the caller has it already (it is not computed again). */
    estimate?: ExitMetricValues;
    /** The smooth ECE resampler's inner loops (default JavaScript; the addon's give the same bits). */
    smoothSums?: SmoothSumKernels;
  },
): Record<keyof ExitMetricValues, BootstrapInterval> {
  // Per-sample terms and sort orders once; each resample only re-weights them (resampledExitMetrics.ts).
  const stat = resampledExitMetrics(probs, labels, numClasses, opts.bins ?? 15, opts.smoothSums);
  // The estimate (the identity "resample", asked for first) is exitMetrics itself, bit for bit.
  let first = true;
  return bootstrapIntervals(
    labels.length,
    (idx) => {
      if (first) {
        first = false;
        return (opts.estimate ?? exitMetrics(probs, labels, numClasses, { bins: opts.bins })) as unknown as Record<
          keyof ExitMetricValues,
          number
        >;
      }
      return stat(idx) as unknown as Record<keyof ExitMetricValues, number>;
    },
    opts,
  );
}
