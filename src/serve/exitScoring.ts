import { calibratorsFor } from '../calibration/applyCalibration';
import type { CalibrationFile } from '../calibration/calibrationFile';
import { ConfigError } from '../errors';
import { topLabelScores, type ExitScores } from '../records/scores';

/**
 * How the edge turns one exit's logits into (confidence, prediction): the calibration file's
 * calibrator for that exit, or raw max-softmax without one — the same code `eecal sweep` runs
 * over records, so a served answer equals the offline cascade's.
 */
export interface ExitScoring {
  /** "none" or the calibration file's method. */
  method: string;
  /** The file it came from (null for none). */
  file: string | null;
  score(exitIndex: number, logits: Float32Array): ExitScores;
  /** T per exit when every exit is softmax(z / T) (identity: 1), else null: what the browser page can apply. */
  temperatures: number[] | null;
}

/** Scoring without calibration: raw max-softmax. */
export function uncalibratedScoring(numClasses: number): ExitScoring {
  return {
    method: 'none',
    file: null,
    score: (_e, logits) => topLabelScores(logits, numClasses, 1),
    temperatures: null,
  };
}

/** Scoring with a calibration file, checked against the model's exits and classes. */
export function calibratedScoring(
  calibration: CalibrationFile,
  file: string,
  numExits: number,
  numClasses: number,
): ExitScoring {
  const cals = calibratorsFor({ numExits, numClasses }, calibration, file);
  const T = cals.map((c) => c.scalingTemperature);
  return {
    method: calibration.method,
    file,
    score: (e, logits) => cals[e].scores(logits),
    temperatures: T.every((t) => t !== null) ? (T as number[]) : null,
  };
}

/** Scorings by method name: "none" always, plus one per calibration file (names must differ). */
export function scoringTable(
  files: Array<{ file: string; calibration: CalibrationFile }>,
  numExits: number,
  numClasses: number,
): Map<string, ExitScoring> {
  const table = new Map<string, ExitScoring>([['none', uncalibratedScoring(numClasses)]]);
  for (const { file, calibration } of files) {
    const s = calibratedScoring(calibration, file, numExits, numClasses);
    const clash = table.get(s.method);
    if (clash)
      throw new ConfigError(
        `--calibration ${file}: method "${s.method}" is already served${clash.file ? ` from ${clash.file}` : ''}; give one file per method`,
      );
    table.set(s.method, s);
  }
  return table;
}
