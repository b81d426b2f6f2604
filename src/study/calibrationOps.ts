import type { ExitRecords } from '../records/types';
import { calibratorsFor, type Calibration } from '../calibration/applyCalibration';
import { calibrateRecords, type MethodLike } from '../calibration/methods';
import { topLabelScores } from '../records/scores';
import { topLabelFromScores } from '../metrics/topLabel';
import { calibrationError } from '../metrics/calibrationError';
import { nllFromLogits } from '../metrics/nll';
import type { Fallback } from '../cascade/runCascade';
import type { CalibrationOps, ExitMetrics } from './calibrationStudy';
import { OptionError } from '../errors';

/**
 * Fit a method on validation records (docs/paper-notes.md#temperature-scaling): 'temperature' per exit on all samples,
 * 'per-branch' / 'global' TS on the samples that leave at each exit under the uncalibrated
 * cascade at p_tar, 'torch-lbfgs' = per-exit TS with the authors' PyTorch L-BFGS recipe (docs/paper-notes.md#torch-lbfgs),
 * any other built-in, or a user's method object. The result scores records in memory (and holds
 * its calibration file when every exit has a saved kind).
 */
export function fitMethod(
  val: ExitRecords,
  method: MethodLike,
  opts: { pTar: number; edgeExits: number; fallback?: Fallback },
): Calibration {
  return calibrateRecords(val, method, { pTar: opts.pTar, edgeExits: opts.edgeExits, fallback: opts.fallback });
}

/**
 * Per-exit metrics of (calibrated) records: accuracy, NLL of the calibrated probabilities, and ECE
 * with its per-bin table from one binning (`calibrationError`), so the drawn bars and the printed
 * ECE cannot disagree. `exit` is 1-based, as everywhere in the public API (the final exit is E).
 */
export function exitMetricsOf(
  records: ExitRecords,
  calibration: Calibration | undefined,
  exit: number,
  bins: number,
): ExitMetrics {
  const E = records.numExits;
  if (!Number.isInteger(exit) || exit < 1 || exit > E)
    throw new OptionError(
      ['exit'],
      `exit ${exit}: expected an exit number in 1…${E} (exits are numbered from 1, the final exit is ${E})`,
    );
  if (!Number.isInteger(bins) || bins < 1)
    throw new OptionError(['bins'], `bins ${bins}: expected a whole number of bins ≥ 1`);
  const C = records.numClasses;
  const e = exit - 1;
  const logits = records.logits[e];
  const cal = calibration ? calibratorsFor(records, calibration)[e] : null;
  const scores = cal ? cal.scores(logits) : topLabelScores(logits, C, 1);
  const tl = topLabelFromScores(scores.confidence, scores.prediction, records.labels);
  let right = 0;
  for (let i = 0; i < tl.correct.length; i++) right += tl.correct[i];
  const ce = calibrationError(tl.confidence, tl.correct, { bins });
  const nll = cal ? cal.nll(logits, records.labels) : nllFromLogits(logits, records.labels, C, 1);
  return { accuracy: right / tl.correct.length, nll, ece: ce.value, bins: ce.bins };
}

/** The report's calibration operations backed by `src/calibration` and `src/metrics`. */
export const calibrationOps: CalibrationOps = { fit: fitMethod, exitMetrics: exitMetricsOf };
