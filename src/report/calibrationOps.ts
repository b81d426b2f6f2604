import type { ExitRecords } from '../records/types';
import { calibratorFromJSON, scoreRecords, type CalibrationFile } from '../calibration/index';
import { calibrateRecords, CALIBRATION_METHODS, type CalibrationMethod } from '../calibration/calibrateMethod';
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
  // 'torch-lbfgs' is per-exit temperature scaling fitted with the authors' optimiser.
  const base = method === 'torch-lbfgs' ? 'temperature' : method;
  if (!(CALIBRATION_METHODS as readonly string[]).includes(base)) {
    throw new ConfigError(`calibration method "${method}": expected one of ${[...CALIBRATION_METHODS, ...EXTRA_METHODS].join(', ')}`);
  }
  const run = calibrateRecords(val, base as CalibrationMethod, {
    pTar: opts.pTar, edgeExits: opts.edgeExits, optimizer: method === 'torch-lbfgs' ? 'torch-lbfgs' : undefined,
  });
  return { ...run.file, method };
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
