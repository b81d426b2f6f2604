import { readRecords } from '../records/csv';
import { readCalibrationFile } from '../calibration/calibrationFile';
import { recordsKeys, type ExitPolicy, type OffloadingInputs } from '../study/offloadingInputs';
import { checkCalibrationProvenance } from './calibrationProvenance';
import { ConfigError, EecalError } from '../errors';

/**
 * Read a records CSV (+ sidecar) and an optional calibration file, and compute both sets of keys.
 * A calibration fitted on another model's records warns, or with `opts.strict` is refused.
 */
export function loadOffloadingInputs(
  recordsPath: string,
  calibrationPath?: string,
  policy: ExitPolicy = 'confidence',
  opts: { score?: string; strict?: boolean } = {},
): OffloadingInputs {
  const records = readRecords(recordsPath);
  const calibration = calibrationPath
    ? { file: readCalibrationFile(calibrationPath), path: calibrationPath }
    : undefined;
  if (calibration)
    checkCalibrationProvenance(calibration.file, calibration.path, records, recordsPath, Boolean(opts.strict));
  try {
    return recordsKeys(records, calibration, policy, { score: opts.score });
  } catch (err) {
    // The formula library's own errors (an index past the last class …) are the user's formula, not a bug.
    if (opts.score === undefined || err instanceof EecalError) throw err;
    throw new ConfigError(
      `--score "${opts.score}": ${(err as Error).message} (the records have classes p[0]…p[${records.numClasses - 1}])`,
      { cause: err },
    );
  }
}
