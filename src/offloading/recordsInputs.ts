import type { ExitRecords } from '../records/types';
import type { CalibrationFile } from '../calibration/calibrationFile';
import { readRecords } from '../records/csv';
import { scoreRecords } from '../calibration/scoreRecords';
import { keysFromScores, type CascadeKeys } from '../cascade/cascadeKeys';
import { checkCalibrationMatches, calibrationTemperatures } from './readCalibration';
import { readCalibrationFile } from '../calibration/calibrationFile';
import { entropyKeys, entropyScores } from './entropyPolicy';

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
 * Cascade keys of records for a policy, without and (optionally) with a calibration. Confidence
 * keys go through `scoreRecords`, so any calibrator the calibration library knows applies; entropy
 * keys need temperatures (`calibrationTemperatures`).
 */
export function recordsKeys(records: ExitRecords, calibration?: { file: CalibrationFile; path: string }, policy: ExitPolicy = 'confidence'): OffloadingInputs {
  if (calibration) checkCalibrationMatches(calibration.file, records, calibration.path);
  if (policy === 'entropy') {
    const keysAt = (T?: number[]) => {
      const s = entropyScores(records, T);
      return entropyKeys(s.entropy, s.prediction, records.labels);
    };
    return {
      records,
      uncalibrated: keysAt(),
      calibrated: calibration ? keysAt(calibrationTemperatures(calibration.file, calibration.path)) : null,
    };
  }
  return {
    records,
    uncalibrated: keysFromScores(scoreRecords(records), records.labels),
    calibrated: calibration ? keysFromScores(scoreRecords(records, calibration.file), records.labels) : null,
  };
}

/** Read a records CSV (+ sidecar) and an optional calibration file, and compute both sets of keys. */
export function loadOffloadingInputs(recordsPath: string, calibrationPath?: string, policy: ExitPolicy = 'confidence'): OffloadingInputs {
  const records = readRecords(recordsPath);
  const calibration = calibrationPath ? { file: readCalibrationFile(calibrationPath), path: calibrationPath } : undefined;
  return recordsKeys(records, calibration, policy);
}
