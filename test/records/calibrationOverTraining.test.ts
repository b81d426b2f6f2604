import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CALIBRATION_OVER_TRAINING_CSV,
  formatCalibrationOverTraining,
  parseCalibrationOverTraining,
  readCalibrationOverTraining,
  readCalibrationOverTrainingEpochs,
  writeCalibrationOverTraining,
  type EpochTracking,
} from '../../src/records/calibrationOverTraining';

/** Two epochs of a 3-exit model; values hand-picked, one with no device sample (NaN accuracy). */
function tracked(): EpochTracking[] {
  const exit = (e: number, s: number) => ({
    exit: e,
    testAccuracy: 0.5 + 0.1 * e + s,
    testNll: 1.2345678 - 0.1 * e,
    testEce: 0.05 * e,
    temperature: 1 + 0.25 * e,
    testNllTs: 1.1,
    testEceTs: 0.01 * e,
    testSaturated: 0,
  });
  return [1, 2].map((epoch) => ({
    epoch,
    exits: [exit(1, epoch / 100), exit(2, epoch / 100), exit(3, epoch / 100)],
    uncalibrated: [
      { k: 1, pTar: 0.8, onDeviceAccuracy: 0.75, offloadProbability: 0.4 },
      { k: 2, pTar: 0.8, onDeviceAccuracy: NaN, offloadProbability: 1 },
    ],
    temperatureScaled: [
      { k: 1, pTar: 0.8, onDeviceAccuracy: 0.81, offloadProbability: 0.55 },
      { k: 2, pTar: 0.8, onDeviceAccuracy: 0.9, offloadProbability: 0.5 },
    ],
  }));
}

test('calibration-over-training CSV: what the trainer writes, the reader gets back (6 significant digits)', () => {
  const rows = parseCalibrationOverTraining(formatCalibrationOverTraining(tracked(), [0.8]));
  assert.equal(rows.length, 6); // 2 epochs × 3 exits
  const r = rows.find((x) => x.epoch === 2 && x.exit === 1)!;
  assert.equal(r.values.test_acc, 0.62); // 0.5 + 0.1 + 0.02
  assert.equal(r.values.test_nll, 1.13457); // 1.2345678 − 0.1, six significant digits
  assert.equal(r.values.temperature_val, 1.25);
  assert.equal(r.values.test_ece15_ts, 0.01);
  // Cascade cells sit on the row of exit k only; no device sample is an empty cell → null, never 0.
  assert.equal(r.values['ondevice_acc_uncal_ptar0.8'], 0.75);
  assert.equal(r.values['p_off_ts_ptar0.8'], 0.55);
  const k2 = rows.find((x) => x.epoch === 2 && x.exit === 2)!;
  assert.equal(k2.values['ondevice_acc_uncal_ptar0.8'], null);
  assert.equal(k2.values['p_off_uncal_ptar0.8'], 1);
  assert.equal(k2.values['ondevice_acc_ts_ptar0.8'], 0.9);
  const final = rows.find((x) => x.epoch === 1 && x.exit === 3)!;
  assert.equal(final.values['p_off_uncal_ptar0.8'], null);
});

test('calibration-over-training files: written into a folder, read back from it; absent → null and []', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-cot-'));
  try {
    assert.equal(readCalibrationOverTraining(dir), null);
    assert.deepEqual(readCalibrationOverTrainingEpochs(dir), []);
    const epochs = tracked();
    writeCalibrationOverTraining(dir, ['b1', 'b2', 'final'], epochs, [0.8]);
    assert.equal(readCalibrationOverTraining(dir)!.length, 6);
    // The JSON keeps full precision for a resumed run to append to (NaN is written as null by JSON).
    const back = readCalibrationOverTrainingEpochs(dir);
    assert.equal(back.length, 2);
    assert.equal(back[1].exits[0].testNll, epochs[1].exits[0].testNll);
    assert.equal(back[0].uncalibrated[1].onDeviceAccuracy, null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('calibration-over-training CSV: malformed input is a DataError naming the file, line and column', () => {
  assert.throws(() => parseCalibrationOverTraining('', 'x.csv'), { name: 'DataError', message: /^x\.csv: empty file/ });
  assert.throws(() => parseCalibrationOverTraining('epoch,exit,test_ece15\n1,1,0.1\n', 'x.csv'), {
    name: 'DataError',
    message: /^x\.csv: missing column "test_ece15_ts"/,
  });
  const header = 'epoch,exit,test_ece15,test_ece15_ts,temperature_val';
  assert.throws(() => parseCalibrationOverTraining(`${header}\n1,1,0.1,abc,1\n`, 'x.csv'), {
    name: 'DataError',
    message: /^x\.csv line 2, column "test_ece15_ts": "abc" is not a number/,
  });
  assert.throws(() => parseCalibrationOverTraining(`${header}\n1,0,0.1,0.1,1\n`, CALIBRATION_OVER_TRAINING_CSV), {
    name: 'DataError',
    message: /line 2: "epoch" and "exit" must be integers \(exit ≥ 1\)/,
  });
});
