import type { CalibrationFile } from '../calibration/calibrationFile';
import type { ExitRecords } from '../records/types';
import { ConfigError, RecordFormatError } from '../errors';

// Reading and validating the file itself is the calibration library's job (readCalibrationFile).

/** Throws unless the calibration was fitted for records with the same number of exits and classes. */
export function checkCalibrationMatches(calib: CalibrationFile, records: ExitRecords, file: string): void {
  if (calib.numExits !== records.numExits) {
    throw new RecordFormatError(`${file}: calibration is for ${calib.numExits} exits, but the records have ${records.numExits}`);
  }
  if (Number.isInteger(calib.numClasses) && calib.numClasses !== records.numClasses) {
    throw new RecordFormatError(`${file}: calibration is for ${calib.numClasses} classes, but the records have ${records.numClasses}`);
  }
}

/**
 * Per-exit temperatures of a temperature-scaling calibration (identity = 1). Policies that need the
 * whole calibrated distribution (the entropy rule) can only use calibrators that define one this
 * simply; anything else is a usage error naming the exit and kind.
 */
export function calibrationTemperatures(calib: CalibrationFile, file: string): number[] {
  return calib.exits.map(({ calibrator }, e) => {
    if (calibrator.kind === 'identity') return 1;
    const T = Number(calibrator.temperature);
    if (calibrator.kind === 'temperature' && T > 0 && Number.isFinite(T)) return T;
    throw new ConfigError(`${file}: exit ${e + 1} uses calibrator "${calibrator.kind}"; the entropy policy needs temperature scaling (kind "temperature", T > 0) or identity`);
  });
}
