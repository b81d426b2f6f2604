import { readRecords } from '../records/csv';
import { readCalibrationFile } from '../calibration/calibrationFile';
import { recordsKeys, type ExitPolicy, type OffloadingInputs } from '../study/offloadingInputs';

/** Read a records CSV (+ sidecar) and an optional calibration file, and compute both sets of keys. */
export function loadOffloadingInputs(recordsPath: string, calibrationPath?: string, policy: ExitPolicy = 'confidence', opts: { score?: string } = {}): OffloadingInputs {
  const records = readRecords(recordsPath);
  const calibration = calibrationPath ? { file: readCalibrationFile(calibrationPath), path: calibrationPath } : undefined;
  return recordsKeys(records, calibration, policy, opts);
}
