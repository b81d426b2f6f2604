import * as fs from 'node:fs';
import type { Calibrator, CalibratorState } from './types';
import { calibratorFromJSON } from './registry';
import { RecordFormatError } from '../errors';
import { writeJsonAtomic } from '../util/atomicWrite';
import { readProblem } from '../util/readJson';
import type { ExitRecords } from '../records/types';

/**
 * The calibration file: what `eecal calibrate --out calib.json` writes and every analysis command
 * reads with `--calibration`. One calibrator state per exit (identity where an exit is not
 * calibrated), so consumers never need to know which method produced it.
 */
export interface CalibrationFile {
  format: 'eecal-calibration';
  version: 1;
  /** Method name as given to `eecal calibrate --method`. */
  method: string;
  /** p_tar the fit depended on (per-branch and global TS), else null. */
  pTar: number | null;
  numExits: number;
  numClasses: number;
  /** One entry per exit, exit numbers from 1, in order. */
  exits: Array<{ exit: number; calibrator: CalibratorState }>;
  /** The records the calibration was fitted on (absent in files written before it existed). */
  fittedOn?: CalibrationProvenance;
}

/**
 * What a calibration was fitted on: the records (path as given and digest) and, from their
 * sidecar, the model that produced them. Applying the file to records of another model (same
 * exits and classes, other weights) is then detected instead of silently accepted.
 */
export interface CalibrationProvenance {
  records: string;
  /** sha256 of the records CSV, from its sidecar; null when the sidecar records none. */
  csvSha256: string | null;
  numExits: number;
  numClasses: number;
  exitNames: string[] | null;
  /** Model identity from the records' sidecar, each null when unknown. */
  model: string | null;
  dataset: string | null;
  seed: number | null;
  splitSeed: number | null;
  weightsEpoch: number | null;
  /** sha256 of the weights that produced the records (written by eecal infer). */
  weightsSha256: string | null;
}

/** Provenance of a calibration fitted on `records` read from `file`. */
export function provenanceOf(
  records: Pick<ExitRecords, 'numExits' | 'numClasses' | 'meta'>,
  file: string,
): CalibrationProvenance {
  const m = records.meta;
  const str = (k: string) => (typeof m?.[k] === 'string' ? (m[k] as string) : null);
  const num = (k: string) => (typeof m?.[k] === 'number' ? (m[k] as number) : null);
  return {
    records: file,
    csvSha256: str('csvSha256'),
    numExits: records.numExits,
    numClasses: records.numClasses,
    exitNames: m?.exitNames ?? null,
    model: str('model'),
    dataset: str('dataset'),
    seed: num('seed'),
    splitSeed: num('splitSeed'),
    weightsEpoch: num('weightsEpoch'),
    weightsSha256: str('weightsSha256'),
  };
}

/**
 * How the records a calibration is applied to differ from those it was fitted on, in model
 * identity (another model's weights, dataset, seed, split, epoch or exit names), as one phrase; null
 * when they agree or when either side does not say. The same model's test records agree with
 * its validation records: they differ only in split and digest, which are not compared.
 */
export function provenanceMismatch(
  calibration: CalibrationFile,
  records: Pick<ExitRecords, 'numExits' | 'numClasses' | 'meta'>,
): string | null {
  const was = calibration.fittedOn;
  if (!was || !records.meta) return null;
  const now = provenanceOf(records, '');
  if (was.weightsSha256 && now.weightsSha256) {
    return was.weightsSha256 === now.weightsSha256
      ? null
      : `it was fitted on records of other weights (weights sha256 ${was.weightsSha256.slice(0, 12)}…, these records' ${now.weightsSha256.slice(0, 12)}…)`;
  }
  const diffs: string[] = [];
  for (const k of ['model', 'dataset', 'seed', 'splitSeed', 'weightsEpoch'] as const) {
    if (was[k] !== null && now[k] !== null && was[k] !== now[k])
      diffs.push(`${k} ${JSON.stringify(was[k])} vs ${JSON.stringify(now[k])}`);
  }
  if (was.exitNames && now.exitNames && was.exitNames.join(',') !== now.exitNames.join(','))
    diffs.push(`exit names ${was.exitNames.join(',')} vs ${now.exitNames.join(',')}`);
  return diffs.length ? `it was fitted on records of another model (${diffs.join('; ')})` : null;
}

/**
 * Build a calibration file from one fitted calibrator per exit (index 0 = exit 1).
 * @param method - the `eecal calibrate --method` name.
 * @param pTar - p_tar the fit depended on (per-branch, global), else null.
 */
export function calibrationFileOf(
  method: string,
  pTar: number | null,
  numClasses: number,
  calibrators: readonly Calibrator[],
): CalibrationFile {
  return {
    format: 'eecal-calibration',
    version: 1,
    method,
    pTar,
    numExits: calibrators.length,
    numClasses,
    exits: calibrators.map((c, e) => ({ exit: e + 1, calibrator: c.toJSON() })),
  };
}

/**
 * Check a parsed calibration file: format, version, one entry per exit numbered 1…E in order,
 * and every calibrator state loadable by the registry. Errors name the file and field.
 */
export function validateCalibrationFile(obj: unknown, file = '<calibration>'): CalibrationFile {
  const c = obj as Partial<CalibrationFile>;
  if (c === null || typeof c !== 'object' || Array.isArray(c))
    throw new RecordFormatError(`${file}: expected a JSON object`);
  if (c.format !== 'eecal-calibration')
    throw new RecordFormatError(
      `${file}: field "format" must be "eecal-calibration", found ${JSON.stringify(c.format)}`,
    );
  if (c.version !== 1)
    throw new RecordFormatError(`${file}: field "version": expected 1, found ${JSON.stringify(c.version)}`);
  if (!Number.isInteger(c.numExits) || (c.numExits as number) < 1)
    throw new RecordFormatError(`${file}: field "numExits" must be an integer ≥ 1`);
  if (!Number.isInteger(c.numClasses) || (c.numClasses as number) < 2)
    throw new RecordFormatError(`${file}: field "numClasses" must be an integer ≥ 2`);
  if (typeof c.method !== 'string') throw new RecordFormatError(`${file}: field "method" must be a string`);
  if (c.pTar !== null && !(typeof c.pTar === 'number' && c.pTar >= 0 && c.pTar <= 1)) {
    throw new RecordFormatError(`${file}: field "pTar" must be null or a number in [0, 1]`);
  }
  if (!Array.isArray(c.exits) || c.exits.length !== c.numExits) {
    throw new RecordFormatError(`${file}: field "exits" must list ${c.numExits} calibrators (one per exit)`);
  }
  if (
    c.fittedOn !== undefined &&
    (c.fittedOn === null || typeof c.fittedOn !== 'object' || typeof c.fittedOn.records !== 'string')
  ) {
    throw new RecordFormatError(
      `${file}: field "fittedOn" must be an object naming the records ({"records": "val.csv", …})`,
    );
  }
  c.exits.forEach((x, e) => {
    if (!x || x.exit !== e + 1 || typeof x.calibrator !== 'object' || x.calibrator === null) {
      throw new RecordFormatError(`${file}: exits[${e}] must be {"exit": ${e + 1}, "calibrator": {"kind": …}}`);
    }
    try {
      calibratorFromJSON(x.calibrator, c.numClasses as number);
    } catch (err) {
      throw new RecordFormatError(`${file}: exits[${e}] (exit ${e + 1}): ${(err as Error).message}`, { cause: err });
    }
  });
  return c as CalibrationFile;
}

/** Read and validate a calibration file. */
export function readCalibrationFile(file: string): CalibrationFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const why = readProblem(err);
    throw new RecordFormatError(
      `${file}: ${why === 'not found' ? 'file not found' : why} (expected a calibration JSON from eecal calibrate --out)`,
      { cause: err },
    );
  }
  let obj: unknown;
  try {
    // A literal such as 1e309 parses to Infinity, which later prints as null: name it here.
    obj = JSON.parse(text, (key, value) => {
      if (typeof value === 'number' && !Number.isFinite(value))
        throw new RecordFormatError(
          `${file}: field "${key}" overflows a double (|x| > 1.8e308); expected a finite number`,
        );
      return value;
    });
  } catch (err) {
    if (err instanceof RecordFormatError) throw err;
    throw new RecordFormatError(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return validateCalibrationFile(obj, file);
}

/** Write a calibration file atomically (validated first, so a bad file is never written). */
export function writeCalibrationFile(file: string, calibration: CalibrationFile): void {
  validateCalibrationFile(calibration, file);
  writeJsonAtomic(file, calibration);
}

/**
 * One fitted calibrator per exit, rebuilt from a calibration file. A state the registry cannot
 * load is a RecordFormatError naming the exit.
 */
export function calibratorsOf(calibration: CalibrationFile, file = 'calibration'): Calibrator[] {
  return calibration.exits.map((x, e) => {
    try {
      return calibratorFromJSON(x?.calibrator, calibration.numClasses);
    } catch (err) {
      throw new RecordFormatError(`${file} exit ${e + 1}: ${(err as Error).message}`, { cause: err });
    }
  });
}
