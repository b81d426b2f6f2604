import { readRecords } from '../records/csv';
import { readCalibrationFile } from '../calibration/calibrationFile';
import { recordsKeys, type ExitPolicy, type OffloadingInputs } from '../study/offloadingInputs';
import { checkCalibrationProvenance } from './calibrationProvenance';

/**
 * Read a records CSV (+ sidecar) and an optional calibration file, and compute both sets of keys.
 * A calibration fitted on another model's records warns, or with `opts.strict` is refused.
 */
export function loadOffloadingInputs(recordsPath: string, calibrationPath?: string, policy: ExitPolicy = 'confidence', opts: { score?: string; strict?: boolean } = {}): OffloadingInputs {
  const records = readRecords(recordsPath);
  const calibration = calibrationPath ? { file: readCalibrationFile(calibrationPath), path: calibrationPath } : undefined;
  if (calibration) checkCalibrationProvenance(calibration.file, calibration.path, records, recordsPath, Boolean(opts.strict));
  return recordsKeys(records, calibration, policy, { score: opts.score });
}
