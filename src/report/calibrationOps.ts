import type { ExitRecords } from '../records/types';
import {
  TemperatureScaling, calibrationFileOf, calibratorFromJSON, createCalibrator, fitGlobalTemperature, fitPerBranchTemperatures, fitPerExit,
  isCalibratorKind, scoreRecords, type CalibrationFile, type ExitFit,
} from '../calibration/index';
import { topLabelFromScores } from '../metrics/topLabel';
import { calibrationError } from '../metrics/calibrationError';
import { nllFromLogits, nllFromProbabilities } from '../metrics/nll';
import { ConfigError } from '../errors';
import { stateTemperature, type CalibrationOps, type ExitMetrics, type StudyMethod } from './calibrationStudy';

/** Methods beyond the calibrator kinds: the early-exit TS variants and the authors' unconverged fit. */
export const EXTRA_METHODS = ['per-branch', 'global', 'torch-lbfgs'] as const;

/**
 * Fit a method on validation records into a calibration file (paper-spec §3): 'temperature' per
 * exit on all samples, 'per-branch' / 'global' TS on the samples that leave at each exit under the
 * uncalibrated cascade at p_tar, 'torch-lbfgs' = per-exit TS with the authors' PyTorch L-BFGS
 * recipe (§3.1), or any calibrator kind fitted per exit.
 */
export function fitMethod(val: ExitRecords, method: StudyMethod, opts: { pTar: number; edgeExits: number }): CalibrationFile {
  const C = val.numClasses;
  let fits: ExitFit[];
  let pTar: number | null = null;
  if (method === 'per-branch' || method === 'global') {
    pTar = opts.pTar;
    fits = method === 'per-branch' ? fitPerBranchTemperatures(val, { pTar, edgeExits: opts.edgeExits }) : fitGlobalTemperature(val, { pTar, edgeExits: opts.edgeExits });
  } else if (method === 'torch-lbfgs') {
    fits = fitPerExit(val, () => new TemperatureScaling({ optimizer: 'torch-lbfgs' }));
  } else if (isCalibratorKind(method)) {
    fits = fitPerExit(val, () => createCalibrator(method));
  } else {
    throw new ConfigError(`calibration method "${method}": expected a calibrator kind or one of ${EXTRA_METHODS.join(', ')}`);
  }
  return calibrationFileOf(method, pTar, C, fits.map((f) => f.calibrator));
}

/**
 * Per-exit metrics of (calibrated) records: accuracy, NLL of the calibrated probabilities, and ECE
 * with its per-bin table from one binning (`calibrationError`), so the drawn bars and the printed
 * ECE cannot disagree.
 */
export function exitMetricsOf(records: ExitRecords, calibration: CalibrationFile | undefined, exit: number, bins: number): ExitMetrics {
  const scores = scoreRecords(records, calibration)[exit];
  const tl = topLabelFromScores(scores.confidence, scores.prediction, records.labels);
  let right = 0;
  for (let i = 0; i < tl.correct.length; i++) right += tl.correct[i];
  const ce = calibrationError(tl.confidence, tl.correct, { bins });
  const state = calibration?.exits[exit]?.calibrator;
  const C = records.numClasses;
  // Temperature/identity: NLL in log space from the logits; other kinds: from their probabilities.
  const nll = !state || state.kind === 'identity' || state.kind === 'temperature'
    ? nllFromLogits(records.logits[exit], records.labels, C, stateTemperature(calibration, exit) ?? 1)
    : nllFromProbabilities(calibratorFromJSON(state, C).probabilities(records.logits[exit]), records.labels, C);
  return { accuracy: right / tl.correct.length, nll, ece: ce.value, bins: ce.bins };
}

/** The report's calibration operations backed by `src/calibration` and `src/metrics`. */
export const calibrationOps: CalibrationOps = { fit: fitMethod, exitMetrics: exitMetricsOf };
