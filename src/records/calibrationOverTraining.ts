import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite';
import { readJsonFile } from '../util/readJson';

/**
 * The one home of a model folder's calibration-over-training files, which `eecal train` writes after
 * every epoch: `calibration-over-training.csv` for people and figures (one row per epoch × exit) and
 * `calibration-over-training.json`, the exact values a resumed run appends to. The trainer writes
 * them, figures, notebooks and the reproduction read them, all through this module.
 */

/** File names inside a model folder. */
export const CALIBRATION_OVER_TRAINING_CSV = 'calibration-over-training.csv';
export const CALIBRATION_OVER_TRAINING_JSON = 'calibration-over-training.json';

/** On-device accuracy and offloading probability of the cascade at one (k, p_tar). */
export interface CascadePoint {
  k: number;
  pTar: number;
  /** Accuracy of the samples the device keeps; NaN when it keeps none. */
  onDeviceAccuracy: number;
  /** Fraction of samples sent to the cloud. */
  offloadProbability: number;
}

/** One exit's calibration state at the end of an epoch. Test metrics; T fitted on validation. */
export interface ExitTracking {
  exit: number;
  testAccuracy: number;
  testNll: number;
  testEce: number;
  temperature: number;
  testNllTs: number;
  testEceTs: number;
  /** Fraction of test samples whose predictive entropy is below 1e-4 nats (saturated softmax). */
  testSaturated: number;
}

/** Everything tracked at one epoch. */
export interface EpochTracking {
  epoch: number;
  exits: ExitTracking[];
  uncalibrated: CascadePoint[];
  /** With each exit's own temperature (TS per exit), fitted on validation. */
  temperatureScaled: CascadePoint[];
}

/** One parsed CSV row: epoch, exit (1-based) and every other column by its header name. */
export interface CalibrationTrainingRow {
  epoch: number;
  exit: number;
  values: Readonly<Record<string, number | null>>;
}

/** Columns every CSV must have (the per-exit calibration quantities the figure draws). */
export const REQUIRED_COLUMNS = ['epoch', 'exit', 'test_ece15', 'test_ece15_ts', 'temperature_val'] as const;

/** Six significant digits; a non-finite value (no device sample) is an empty cell. */
const fmt = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : '');

/**
 * The CSV text: one row per epoch × exit. Cascade columns (`ondevice_acc_{uncal,ts}_ptar{p}`,
 * `p_off_{uncal,ts}_ptar{p}`, for each p of `pTars`) describe the device holding exits 1…k and sit
 * on the row of exit k, the last device exit; they are empty on other rows.
 */
export function formatCalibrationOverTraining(rows: readonly EpochTracking[], pTars: readonly number[]): string {
  const cascadeCols: string[] = [];
  for (const p of pTars)
    for (const cal of ['uncal', 'ts']) cascadeCols.push(`ondevice_acc_${cal}_ptar${p}`, `p_off_${cal}_ptar${p}`);
  const header = [
    'epoch',
    'exit',
    'test_acc',
    'test_nll',
    'test_ece15',
    'temperature_val',
    'test_nll_ts',
    'test_ece15_ts',
    'test_frac_entropy_lt_1e-4',
    ...cascadeCols,
  ];
  const lines = [header.join(',')];
  for (const r of rows) {
    for (const x of r.exits) {
      const cells = [
        String(r.epoch),
        String(x.exit),
        fmt(x.testAccuracy),
        fmt(x.testNll),
        fmt(x.testEce),
        fmt(x.temperature),
        fmt(x.testNllTs),
        fmt(x.testEceTs),
        fmt(x.testSaturated),
      ];
      for (const p of pTars) {
        const u = r.uncalibrated.find((c) => c.k === x.exit && c.pTar === p);
        const t = r.temperatureScaled.find((c) => c.k === x.exit && c.pTar === p);
        cells.push(
          u ? fmt(u.onDeviceAccuracy) : '',
          u ? fmt(u.offloadProbability) : '',
          t ? fmt(t.onDeviceAccuracy) : '',
          t ? fmt(t.offloadProbability) : '',
        );
      }
      lines.push(cells.join(','));
    }
  }
  return lines.join('\n') + '\n';
}

/** Write both files into a model folder, each atomically. */
export function writeCalibrationOverTraining(
  dir: string,
  exitNames: readonly string[],
  rows: readonly EpochTracking[],
  pTars: readonly number[],
): void {
  writeFileAtomic(path.join(dir, CALIBRATION_OVER_TRAINING_CSV), formatCalibrationOverTraining(rows, pTars));
  writeJsonAtomic(path.join(dir, CALIBRATION_OVER_TRAINING_JSON), { exitNames, epochs: rows });
}

/** The tracked epochs of an earlier (interrupted) run of a folder, to append to on resume; [] when none. */
export function readCalibrationOverTrainingEpochs(dir: string): EpochTracking[] {
  const p = path.join(dir, CALIBRATION_OVER_TRAINING_JSON);
  if (!fs.existsSync(p)) return [];
  const doc = readJsonFile(p, 'a JSON file written by eecal train') as { epochs?: unknown };
  if (!doc || !Array.isArray(doc.epochs)) throw new DataError(`${p}: expected {"exitNames": [...], "epochs": [...]}`);
  return doc.epochs as EpochTracking[];
}

/** Parse the CSV text; `source` names the file in errors. Empty cells are null: "no value", never 0. */
export function parseCalibrationOverTraining(
  text: string,
  source = CALIBRATION_OVER_TRAINING_CSV,
): CalibrationTrainingRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0)
    throw new DataError(`${source}: empty file (expected a header line starting with "epoch,exit")`);
  const header = lines[0].split(',').map((h) => h.trim());
  for (const c of REQUIRED_COLUMNS) {
    if (!header.includes(c)) throw new DataError(`${source}: missing column "${c}" (header: ${header.join(',')})`);
  }
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length)
      throw new DataError(
        `${source} line ${i + 2}: ${cells.length} cells, expected ${header.length} (one per header column)`,
      );
    const values: Record<string, number | null> = {};
    header.forEach((h, j) => {
      const cell = cells[j].trim();
      if (cell === '') {
        values[h] = null;
        return;
      }
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new DataError(`${source} line ${i + 2}, column "${h}": "${cell}" is not a number`);
      values[h] = v;
    });
    const epoch = values.epoch;
    const exit = values.exit;
    if (epoch === null || !Number.isInteger(epoch) || exit === null || !Number.isInteger(exit) || exit < 1) {
      throw new DataError(
        `${source} line ${i + 2}: "epoch" and "exit" must be integers (exit ≥ 1), got "${cells[header.indexOf('epoch')]}", "${cells[header.indexOf('exit')]}"`,
      );
    }
    return { epoch, exit, values };
  });
}

/** The CSV of a model folder, parsed; null when the folder has none (training did not track it). */
export function readCalibrationOverTraining(dir: string): CalibrationTrainingRow[] | null {
  const file = path.join(dir, CALIBRATION_OVER_TRAINING_CSV);
  return fs.existsSync(file) ? parseCalibrationOverTraining(fs.readFileSync(file, 'utf8'), file) : null;
}
