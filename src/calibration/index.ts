/**
 * Calibrators (one contract: fit → probabilities → toJSON / calibratorFromJSON), the early-exit
 * variants of temperature scaling, offloading-driven temperatures, and the calibration file.
 * Pure TypeScript over typed arrays; no tfjs.
 */
export type {
  Calibrator,
  CalibratorKind,
  CalibratorState,
  FitReport,
  IdentityState,
  TemperatureState,
  VectorState,
  MatrixState,
  HistogramState,
  IsotonicState,
  PlattState,
  BetaState,
} from './types';
export { IdentityCalibrator } from './identity';
export { TemperatureScaling, type TemperatureScalingOptions, type TemperatureOptimizer } from './temperatureScaling';
export {
  fitTemperatureExact,
  nllDerivativesInBeta,
  type ExactTemperatureOptions,
  type TemperatureFitResult,
} from './temperatureFit';
export { fitTemperatureTorchLbfgs, type TorchLbfgsOptions } from './torchLbfgs';
export { VectorScaling, type VectorScalingOptions } from './vectorScaling';
export { MatrixScaling, type MatrixScalingOptions } from './matrixScaling';
export { HistogramBinning, type HistogramBinningOptions } from './histogramBinning';
export { IsotonicRegression } from './isotonicRegression';
export { PlattScaling } from './plattScaling';
export { BetaCalibration } from './betaCalibration';
export { TopLabelCalibrator } from './topLabelCalibrator';
export { fitIsotonicKnots, evaluateIsotonic, poolAdjacentViolators, type IsotonicKnots } from './pav';
export { minimizeLbfgs, type LbfgsOptions, type LbfgsResult } from './lbfgs';
export {
  createCalibrator,
  calibratorFromJSON,
  isCalibratorKind,
  CALIBRATOR_KINDS,
  type CalibratorOptions,
} from './registry';
export { softmaxRows, topLabelLogits, type TopLabelLogits } from './logitMath';
export { beforeAfter, type BeforeAfter } from './evaluateFit';
export {
  fitPerExit,
  fitPerBranchTemperatures,
  fitGlobalTemperature,
  uncalibratedExitAssignment,
  selectRows,
  type ExitFit,
  type CascadeFitOptions,
} from './earlyExit';
export { criticalTemperatures } from './criticalTemperature';
export { offloadingOutcome, type OffloadingOutcome, type OffloadingObjectiveOptions } from './offloadingObjective';
export {
  fitOffloadingTemperatures,
  type OffloadingTemperatureOptions,
  type OffloadingTemperatureResult,
} from './offloadingTemperatures';
export {
  calibrationFileOf,
  validateCalibrationFile,
  readCalibrationFile,
  writeCalibrationFile,
  calibratorsOf,
  type CalibrationFile,
} from './calibrationFile';
export {
  CALIBRATION_METHODS,
  METHOD_IDS,
  BUILTIN_METHODS,
  isCalibrationMethod,
  calibrationMethod,
  resolveMethods,
  methodLabel,
  calibrateRecords,
  offloadingMethod,
  type CalibrationMethod,
  type MethodEntry,
  type MethodLike,
  type CalibrationRun,
} from './methods';
export {
  perExitMethod,
  checkMethodShape,
  type CalibrationMethodDefinition,
  type PerExitMethod,
  type MethodFit,
  type CalibrateOptions,
} from './methodDefinition';
export { FunctionCalibrator, type CalibrationFunction, type CalibrationOutput } from './functionCalibrator';
export {
  checkCalibrationMatches,
  calibratorsFor,
  scoreRecords,
  exitTemperatures,
  exitTemperature,
  isFittedCalibration,
  type Calibration,
  type FittedCalibration,
} from './applyCalibration';
export { describeState } from './describeState';
