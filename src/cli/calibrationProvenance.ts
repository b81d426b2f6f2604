import type { ExitRecords } from '../records/types';
import { provenanceMismatch, type CalibrationFile } from '../calibration/calibrationFile';
import { ConfigError } from '../errors';

/** The --help line of --strict, shared by every command that takes --calibration. */
export const STRICT_HELP =
  "  --strict                  refuse a --calibration fitted on another model's records (default: a warning)";

/**
 * A calibration applied to records of another model than it was fitted on: a warning on stderr,
 * or with --strict a usage error. Both name the two files.
 */
export function checkCalibrationProvenance(
  calibration: CalibrationFile,
  calibrationPath: string,
  records: ExitRecords,
  recordsPath: string,
  strict: boolean,
): void {
  const why = provenanceMismatch(calibration, records);
  if (why === null) return;
  const msg = `--calibration ${calibrationPath} may not belong to --records ${recordsPath}: ${why}`;
  if (strict) throw new ConfigError(`${msg}; refused by --strict`);
  console.error(`warning: ${msg} (pass --strict to refuse)`);
}
