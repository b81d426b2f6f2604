import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCalibrationFile } from '../../src/calibration/calibrationFile';
import { TEMPERATURE_RANGE } from '../../src/calibration/registry';
import { TemperatureScaling } from '../../src/calibration/temperatureScaling';
import { FitError, RecordFormatError } from '../../src/errors';

function calibrationWith(temperature: unknown): object {
  return {
    format: 'eecal-calibration',
    version: 1,
    method: 'temperature',
    pTar: null,
    numExits: 2,
    numClasses: 3,
    exits: [
      { exit: 1, calibrator: { kind: 'temperature', temperature } },
      { exit: 2, calibrator: { kind: 'identity' } },
    ],
  };
}

test('calibration file: T must be a JSON number within [1e-3, 1e3]; the error names the file, exit and field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-cal-'));
  const file = path.join(dir, 'calib.json');
  assert.deepEqual(TEMPERATURE_RANGE, [1e-3, 1e3]);
  for (const bad of ['1.5', true, [2], null, {}, 1e308, 1e-320, 0, -1, 1001, 0.0009]) {
    fs.writeFileSync(file, JSON.stringify(calibrationWith(bad)));
    assert.throws(
      () => readCalibrationFile(file),
      (e: unknown) =>
        e instanceof RecordFormatError &&
        e.message.startsWith(
          `${file}: exits[0] (exit 1): temperature calibrator: "temperature" must be a JSON number in [0.001, 1000], found ${JSON.stringify(bad)}`,
        ),
      JSON.stringify(bad),
    );
  }
  for (const ok of [1e-3, 1.5, 1e3]) {
    fs.writeFileSync(file, JSON.stringify(calibrationWith(ok)));
    assert.equal((readCalibrationFile(file).exits[0].calibrator as { temperature: number }).temperature, ok);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a temperature fit with a NaN loss/gradient (logits ±1e308) is a FitError, not a silent T = 1', () => {
  const logits = new Float64Array([1e308, -1e308, 0, 1, 2, 0, 0.5, 0.1]);
  const labels = new Int32Array([1, 0, 1, 0]);
  for (const optimizer of ['exact', 'torch-lbfgs'] as const) {
    assert.throws(
      () => new TemperatureScaling({ optimizer }).fit(logits, labels, 2),
      (e: unknown) =>
        e instanceof FitError &&
        /temperature fit \((exact|torch-lbfgs)\) failed: NLL .*\(largest \|logit\| 1\.000e\+308/.test(e.message),
      optimizer,
    );
  }
  // The same data with sane logits fits (and the fitted T is within the file range).
  const sane = new TemperatureScaling().fit(new Float64Array([3, -3, 0, 1, 2, 0, 0.5, 0.1]), labels, 2);
  assert.ok(sane.temperature >= TEMPERATURE_RANGE[0] && sane.temperature <= TEMPERATURE_RANGE[1]);
});
