import * as fs from 'node:fs';
import type { CalibrationFile } from '../calibration/calibrationFile';
import type { ExitRecords } from '../records/types';
import { ConfigError, RecordFormatError } from '../errors';

/**
 * Read and validate a calibration file (the `eecal calibrate --out` contract): JSON with
 * format "eecal-calibration", version 1, an integer numExits and one calibrator per exit.
 * Small local reader because src/calibration exposes the type but no reader yet.
 */
export function loadCalibrationFile(file: string): CalibrationFile {
  if (!fs.existsSync(file)) throw new RecordFormatError(`${file}: file not found (expected a calibration JSON from eecal calibrate)`);
  let obj: unknown;
  try {
    obj = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RecordFormatError(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const c = obj as Partial<CalibrationFile>;
  if (c === null || typeof c !== 'object') throw new RecordFormatError(`${file}: expected a JSON object`);
  if (c.format !== 'eecal-calibration') throw new RecordFormatError(`${file}: field "format" must be "eecal-calibration", found ${JSON.stringify(c.format)}`);
  if (c.version !== 1) throw new RecordFormatError(`${file}: field "version": expected 1, found ${String(c.version)}`);
  if (!Number.isInteger(c.numExits) || (c.numExits as number) < 2) throw new RecordFormatError(`${file}: field "numExits" must be an integer ≥ 2`);
  if (!Array.isArray(c.exits) || c.exits.length !== c.numExits) {
    throw new RecordFormatError(`${file}: field "exits" must list ${String(c.numExits)} calibrators (one per exit)`);
  }
  c.exits.forEach((x, e) => {
    if (!x || typeof x.calibrator !== 'object' || typeof x.calibrator?.kind !== 'string') {
      throw new RecordFormatError(`${file}: exits[${e}] must be {exit, calibrator: {kind, …}}`);
    }
  });
  return c as CalibrationFile;
}

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
