import type { ExitRecords } from '../records/types';
import { calibratorsFor, exitTemperatures, scoreRecords, type Calibration } from '../calibration/applyCalibration';
import { softmaxRows } from '../calibration/logitMath';
import { compileScoreExpression, expressionScores } from '../offloading/scoreExpression';
import { ConfigError } from '../errors';
import { keysFromScores, type CascadeKeys } from '../cascade/cascadeKeys';
import { entropyKeys, entropyScores } from '../offloading/entropyPolicy';

/** Exit rule: the paper's max-softmax `≥ p_tar`, or BranchyNet's entropy `< τ`. */
export type ExitPolicy = 'confidence' | 'entropy';

/** Records plus the keys every offloading computation consumes, uncalibrated and calibrated. */
export interface OffloadingInputs {
  records: ExitRecords;
  uncalibrated: CascadeKeys;
  /** Null without a calibration file. */
  calibrated: CascadeKeys | null;
}

/**
 * Cascade keys of records for a policy, without and (optionally) with a calibration: where the
 * calibration library meets the offloading simulator. Confidence keys go through `scoreRecords`,
 * so any calibrator applies; entropy keys need softmax(z / T) calibrators (`exitTemperatures`).
 * With `opts.score`, confidence keys are that formula of the (calibrated) probabilities instead of
 * the max probability (`offloading/scoreExpression.ts`).
 * @param calibration - a calibration file or a method fitted in memory; `path` names it in errors.
 */
export function recordsKeys(
  records: ExitRecords,
  calibration?: { file: Calibration; path: string },
  policy: ExitPolicy = 'confidence',
  opts: { score?: string } = {},
): OffloadingInputs {
  if (opts.score !== undefined) {
    if (policy !== 'confidence')
      throw new ConfigError(
        'a score formula replaces the confidence of the confidence policy; the entropy policy has its own score',
      );
    const f = compileScoreExpression(opts.score);
    const C = records.numClasses;
    const cals = calibration ? calibratorsFor(records, calibration.file, calibration.path) : null;
    const keysWith = (probs: (e: number) => Float64Array) =>
      keysFromScores(
        records.logits.map((_, e) => expressionScores(probs(e), C, f)),
        records.labels,
      );
    return {
      records,
      uncalibrated: keysWith((e) => softmaxRows(records.logits[e], C)),
      calibrated: cals ? keysWith((e) => cals[e].probabilities(records.logits[e])) : null,
    };
  }
  if (policy === 'entropy') {
    const keysAt = (T?: number[]) => {
      const s = entropyScores(records, T);
      return entropyKeys(s.entropy, s.prediction, records.labels);
    };
    const temperatures = calibration ? exitTemperatures(records, calibration.file, calibration.path) : null;
    return { records, uncalibrated: keysAt(), calibrated: temperatures ? keysAt(temperatures) : null };
  }
  return {
    records,
    uncalibrated: keysFromScores(scoreRecords(records), records.labels),
    calibrated: calibration
      ? keysFromScores(scoreRecords(records, calibration.file, calibration.path), records.labels)
      : null,
  };
}
