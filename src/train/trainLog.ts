import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite';
import type { EpochLog } from './trainingState';

/** Training log as CSV: one row per epoch, per-exit columns (train_loss_exit1 …, val_acc_exit1 …). */
export function trainLogCsv(history: readonly EpochLog[], exitNames: readonly string[]): string {
  const cols = ['epoch', 'learning_rate', 'train_loss_total', 'val_loss_total', 'duration_s', 'samples_per_s'];
  exitNames.forEach((_, e) => cols.push(`train_loss_exit${e + 1}`, `val_loss_exit${e + 1}`, `val_acc_exit${e + 1}`));
  const rows = history.map((h) => {
    const r: (string | number)[] = [h.epoch, h.learningRate, h.trainLossTotal, h.valLossTotal, h.durationSec.toFixed(1), h.samplesPerSec.toFixed(1)];
    exitNames.forEach((_, e) => r.push(h.trainLoss[e], h.valLoss[e], h.valAccuracy[e]));
    return r.join(',');
  });
  return [cols.join(','), ...rows].join('\n') + '\n';
}

/** Write training-log.csv and training-log.json into a model directory, atomically. */
export function writeTrainLog(dir: string, history: readonly EpochLog[], exitNames: readonly string[]): void {
  writeFileAtomic(path.join(dir, 'training-log.csv'), trainLogCsv(history, exitNames));
  writeJsonAtomic(path.join(dir, 'training-log.json'), { exitNames, epochs: history });
}
