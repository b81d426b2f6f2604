import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite';
import { readJsonFile } from '../util/readJson';

/**
 * The one home of a model folder's training log, which `eecal train` rewrites after every epoch:
 * `training-log.json` (exit names and one entry per epoch; what figures, notebooks and reports
 * read) and `training-log.csv` (the same numbers, one row per epoch, for a spreadsheet).
 */

/** File names inside a model folder. */
export const TRAINING_LOG_JSON = 'training-log.json';
export const TRAINING_LOG_CSV = 'training-log.csv';

/** One epoch of `training-log.json` (the per-exit fields figures draw; the file holds more). */
export interface TrainingLogEpoch {
  epoch: number;
  /** Mean training cross-entropy per exit. */
  trainLoss: readonly number[];
  /** Validation cross-entropy per exit. */
  valLoss: readonly number[];
  /** Validation accuracy per exit, as a fraction. */
  valAccuracy: readonly number[];
}

/** One epoch as the trainer writes it: the per-exit fields plus totals, learning rate and speed. */
export interface TrainingLogEntry extends TrainingLogEpoch {
  learningRate: number;
  /** Σ wᵢ·trainLossᵢ. */
  trainLossTotal: number;
  valLossTotal: number;
  durationSec: number;
  samplesPerSec: number;
}

/** `training-log.json`: exit names and one entry per epoch. */
export interface TrainingLog {
  exitNames: string[];
  epochs: TrainingLogEpoch[];
}

/** The CSV text: one row per epoch, per-exit columns (train_loss_exit1 …, val_acc_exit1 …). */
export function formatTrainingLogCsv(history: readonly TrainingLogEntry[], exitNames: readonly string[]): string {
  const cols = ['epoch', 'learning_rate', 'train_loss_total', 'val_loss_total', 'duration_s', 'samples_per_s'];
  exitNames.forEach((_, e) => cols.push(`train_loss_exit${e + 1}`, `val_loss_exit${e + 1}`, `val_acc_exit${e + 1}`));
  const rows = history.map((h) => {
    const r: (string | number)[] = [
      h.epoch,
      h.learningRate,
      h.trainLossTotal,
      h.valLossTotal,
      h.durationSec.toFixed(1),
      h.samplesPerSec.toFixed(1),
    ];
    exitNames.forEach((_, e) => r.push(h.trainLoss[e], h.valLoss[e], h.valAccuracy[e]));
    return r.join(',');
  });
  return [cols.join(','), ...rows].join('\n') + '\n';
}

/** Write training-log.csv and training-log.json into a model folder, each atomically. */
export function writeTrainingLog(
  dir: string,
  history: readonly TrainingLogEntry[],
  exitNames: readonly string[],
): void {
  writeFileAtomic(path.join(dir, TRAINING_LOG_CSV), formatTrainingLogCsv(history, exitNames));
  writeJsonAtomic(path.join(dir, TRAINING_LOG_JSON), { exitNames, epochs: history });
}

/** `training-log.json` of a model folder, checked; null when the folder has none. */
export function readTrainingLog(dir: string): TrainingLog | null {
  const p = path.join(dir, TRAINING_LOG_JSON);
  if (!fs.existsSync(p)) return null;
  const log = readJsonFile(p, 'a JSON file written by eecal train') as TrainingLog;
  if (!log || !Array.isArray(log.exitNames) || !Array.isArray(log.epochs))
    throw new DataError(`${p}: expected {"exitNames": [...], "epochs": [...]}`);
  return log;
}
