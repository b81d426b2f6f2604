import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  formatTrainingLogCsv,
  readTrainingLog,
  writeTrainingLog,
  type TrainingLogEntry,
} from '../../src/records/trainingLog';
import { readModelFolder } from '../../src/records/modelFolder';

const history: TrainingLogEntry[] = [1, 2].map((epoch) => ({
  epoch,
  learningRate: 0.001,
  trainLoss: [2 / epoch, 1 / epoch],
  trainLossTotal: 3 / epoch,
  valLoss: [2.5 / epoch, 1.5 / epoch],
  valLossTotal: 4 / epoch,
  valAccuracy: [0.3 * epoch, 0.4 * epoch],
  durationSec: 61.25,
  samplesPerSec: 733.33,
}));

test('training log CSV: one row per epoch, per-exit columns in exit order', () => {
  const lines = formatTrainingLogCsv(history, ['branch1', 'final']).trim().split('\n');
  assert.deepEqual(lines[0].split(','), [
    'epoch',
    'learning_rate',
    'train_loss_total',
    'val_loss_total',
    'duration_s',
    'samples_per_s',
    'train_loss_exit1',
    'val_loss_exit1',
    'val_acc_exit1',
    'train_loss_exit2',
    'val_loss_exit2',
    'val_acc_exit2',
  ]);
  assert.deepEqual(lines[2].split(','), [
    '2',
    '0.001',
    '1.5',
    '2',
    '61.3',
    '733.3',
    '1',
    '1.25',
    '0.6',
    '0.5',
    '0.75',
    '0.8',
  ]);
});

test('training log files: what the trainer writes, readTrainingLog and readModelFolder read back; absent → null', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-trainlog-'));
  try {
    assert.equal(readTrainingLog(dir), null);
    writeTrainingLog(dir, history, ['branch1', 'final']);
    const log = readTrainingLog(dir)!;
    assert.deepEqual(log.exitNames, ['branch1', 'final']);
    assert.deepEqual(log.epochs, history);
    fs.writeFileSync(path.join(dir, 'training-log.json'), '{"epochs": 3}');
    assert.throws(() => readTrainingLog(dir), {
      name: 'DataError',
      message: /training-log\.json: expected \{"exitNames"/,
    });
    assert.throws(() => readModelFolder(dir), { name: 'DataError', message: /records[/\\]val\.csv: not found/ });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
