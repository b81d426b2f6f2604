import type { ExitRecords } from '../records/types';
import { topLabelScores, type ExitScores } from '../records/scores';
import type { Calibrator } from './types';
import { calibratorsOf, type CalibrationFile } from './calibrationFile';
import { ConfigError, RecordFormatError } from '../errors';

/**
 * Applying a calibration to exit records: the one place that checks a calibration (a file, or a
 * method fitted in memory) against records and turns it into per-exit scores, probabilities, NLLs
 * or temperatures. Callers never look inside the saved states; each calibrator knows its own fast
 * path (`scores`, `nll`, `scalingTemperature`).
 */

/**
 * A method fitted in memory: its calibrators (index 0 = exit 1) and, when every exit has a saved
 * kind, the calibration file that holds them (null for function calibrators).
 */
export interface FittedCalibration {
  /** Method id. */
  method: string;
  /** p_tar the fit depended on, else null. */
  pTar: number | null;
  numExits: number;
  numClasses: number;
  calibrators: readonly Calibrator[];
  file: CalibrationFile | null;
}

/** What scores records: a calibration file (read from disk or built) or a fitted method. */
export type Calibration = CalibrationFile | FittedCalibration;

/** True for a method fitted in memory (it carries its calibrators). */
export function isFittedCalibration(c: Calibration): c is FittedCalibration {
  return Array.isArray((c as FittedCalibration).calibrators);
}

/**
 * Throws unless the calibration was fitted for records with the same number of exits and classes.
 * @param file - names the calibration in the error (a path, or "calibration").
 */
export function checkCalibrationMatches(
  calibration: Calibration,
  records: Pick<ExitRecords, 'numExits' | 'numClasses'>,
  file = 'calibration',
): void {
  const exitsDiffer = calibration.numExits !== records.numExits;
  const classesDiffer = calibration.numClasses !== records.numClasses;
  if (exitsDiffer && classesDiffer) {
    throw new RecordFormatError(
      `${file}: calibration is for ${calibration.numExits} exits × ${calibration.numClasses} classes, but the records have ${records.numExits} × ${records.numClasses}`,
    );
  }
  if (exitsDiffer)
    throw new RecordFormatError(
      `${file}: calibration is for ${calibration.numExits} exits, but the records have ${records.numExits}`,
    );
  if (classesDiffer)
    throw new RecordFormatError(
      `${file}: calibration is for ${calibration.numClasses} classes, but the records have ${records.numClasses}`,
    );
}

/** The calibration's calibrators (index 0 = exit 1), after checking it matches the records. */
export function calibratorsFor(
  records: Pick<ExitRecords, 'numExits' | 'numClasses'>,
  calibration: Calibration,
  file = 'calibration',
): Calibrator[] {
  checkCalibrationMatches(calibration, records, file);
  return isFittedCalibration(calibration) ? [...calibration.calibrators] : calibratorsOf(calibration, file);
}

/**
 * Top-label scores of every exit after applying a calibration (or none): confidence = max
 * calibrated probability, prediction = argmax of the calibrated probabilities. Every calibrator
 * kind applies; softmax(z / T) kinds never build the N×C matrix.
 */
export function scoreRecords(records: ExitRecords, calibration?: Calibration, file = 'calibration'): ExitScores[] {
  if (!calibration) return records.logits.map((l) => topLabelScores(l, records.numClasses, 1));
  const cals = calibratorsFor(records, calibration, file);
  return records.logits.map((logits, e) => cals[e].scores(logits));
}

/**
 * Per-exit temperatures of a calibration whose exits are all softmax(z / T) (identity = 1): what
 * policies that need the whole calibrated distribution in closed form (the entropy rule) use.
 * Anything else is a usage error naming the exit and kind.
 */
export function exitTemperatures(
  records: Pick<ExitRecords, 'numExits' | 'numClasses'>,
  calibration: Calibration,
  file = 'calibration',
): number[] {
  return calibratorsFor(records, calibration, file).map((c, e) => {
    const T = c.scalingTemperature;
    if (T === null)
      throw new ConfigError(
        `${file}: exit ${e + 1} uses calibrator "${c.kind}"; the entropy policy needs temperature scaling (kind "temperature", T > 0) or identity`,
      );
    return T;
  });
}

/** The temperature of one exit (0-based index) of a calibration when that exit is softmax(z / T), else null. */
export function exitTemperature(calibration: Calibration | undefined, exit: number): number | null {
  if (!calibration) return null;
  const c = isFittedCalibration(calibration) ? calibration.calibrators[exit] : calibratorsOf(calibration)[exit];
  return c && c.kind === 'temperature' ? c.scalingTemperature : null;
}
