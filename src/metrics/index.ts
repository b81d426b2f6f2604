/**
 * Calibration and accuracy metrics: pure functions over typed arrays (no tfjs).
 * Top-label metrics take (confidence, correct); multiclass metrics take N×C probabilities.
 */
export type { TopLabel, BinStat, BinScheme, CalibrationNorm, BinningOptions } from './types';
export { topLabelOf, topLabelFromScores, type TopLabelPredictions } from './topLabel';
export {
  binStats,
  binEdges,
  equalWidthEdges,
  equalMassEdges,
  binIndex,
  binTotals,
  totalsToBinStats,
  type BinTotals,
} from './binning';
export {
  calibrationError,
  ece,
  rmsce,
  mce,
  normOfGaps,
  type CalibrationErrorOptions,
  type CalibrationErrorResult,
} from './calibrationError';
export { classwiseEce, adaptiveEce, type ClasswiseResult } from './classwiseEce';
export { debiasedL2CalibrationError, debiasedL2MarginalCalibrationError } from './debiasedCalibrationError';
export { smoothEce, type SmoothEceResult } from './smoothEce';
export { brierScore, brierDecomposition, type BrierDecomposition } from './brier';
export { nllFromProbabilities, nllFromLogits } from './nll';
export { accuracy } from './accuracy';
export {
  bootstrapInterval,
  bootstrapIntervals,
  quantileSorted,
  takeRows,
  type BootstrapOptions,
  type BootstrapInterval,
} from './bootstrap';
export { exitMetrics, exitMetricIntervals, EXIT_METRIC_NAMES, type ExitMetricValues } from './exitMetrics';
export { checkTopLabel, checkProbabilities } from './checks';
