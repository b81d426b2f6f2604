import { DataError } from '../errors';

/**
 * Reader of the trainer's `calibration-over-training.csv` (one row per epoch × exit; cascade
 * columns `ondevice_acc_{uncal,ts}_ptar{p}` / `p_off_…` filled on the row of exit k = last device
 * exit, empty elsewhere). Empty cells are null: "no value", never 0.
 */

/** One row: epoch, exit (1-based) and every other column by its header name. */
export interface CalibrationTrainingRow {
  epoch: number;
  exit: number;
  values: Readonly<Record<string, number | null>>;
}

/** Columns every file must have (the per-exit calibration quantities the figure draws). */
export const REQUIRED_COLUMNS = ['epoch', 'exit', 'test_ece15', 'test_ece15_ts', 'temperature_val'] as const;

/** Parse the CSV text; `source` names the file in errors. */
export function parseCalibrationOverTraining(text: string, source = 'calibration-over-training.csv'): CalibrationTrainingRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new DataError(`${source}: empty file (expected a header line starting with "epoch,exit")`);
  const header = lines[0].split(',').map((h) => h.trim());
  for (const c of REQUIRED_COLUMNS) {
    if (!header.includes(c)) throw new DataError(`${source}: missing column "${c}" (header: ${header.join(',')})`);
  }
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length) throw new DataError(`${source} line ${i + 2}: ${cells.length} cells, expected ${header.length} (one per header column)`);
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
      throw new DataError(`${source} line ${i + 2}: "epoch" and "exit" must be integers (exit ≥ 1), got "${cells[header.indexOf('epoch')]}", "${cells[header.indexOf('exit')]}"`);
    }
    return { epoch, exit, values };
  });
}
