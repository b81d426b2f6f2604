import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exitTemperatures, checkCalibrationMatches } from '../../src/calibration/applyCalibration';
import { readCalibrationFile } from '../../src/calibration/calibrationFile';
import type { CalibrationFile } from '../../src/calibration/calibrationFile';
import type { ExitRecords } from '../../src/records/types';
import { ConfigError, RecordFormatError } from '../../src/errors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-offloading-calib-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, body: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, body);
  return f;
};
const good: CalibrationFile = {
  format: 'eecal-calibration',
  version: 1,
  method: 'temperature',
  pTar: 0.8,
  numExits: 2,
  numClasses: 3,
  exits: [
    { exit: 1, calibrator: { kind: 'temperature', temperature: 1.5 } },
    { exit: 2, calibrator: { kind: 'identity' } },
  ],
};

test('reads a valid calibration file and its temperatures', () => {
  const c = readCalibrationFile(write('ok.json', JSON.stringify(good)));
  assert.deepEqual(c, good);
  const records = { numExits: 2, numClasses: 3 } as ExitRecords;
  assert.deepEqual(exitTemperatures(records, c, 'ok.json'), [1.5, 1]);
  checkCalibrationMatches(c, records, 'ok.json');
  assert.throws(
    () => checkCalibrationMatches(c, { ...records, numExits: 3 }, 'ok.json'),
    /ok\.json: calibration is for 2 exits, but the records have 3/,
  );
  assert.throws(
    () => checkCalibrationMatches(c, { ...records, numClasses: 10 }, 'ok.json'),
    /for 3 classes, but the records have 10/,
  );
});

test('the offloading commands read calibration files with the calibration library: malformed files and non-temperature calibrators give clear errors', () => {
  const bad: Array<[string, RegExp]> = [
    ['{', /not valid JSON/],
    [JSON.stringify({ ...good, format: 'other' }), /field "format" must be "eecal-calibration"/],
    [JSON.stringify({ ...good, version: 2 }), /field "version": expected 1, found 2/],
  ];
  bad.forEach(([body, msg], i) =>
    assert.throws(
      () => readCalibrationFile(write(`bad${i}.json`, body)),
      (e: unknown) => e instanceof RecordFormatError && msg.test(e.message),
    ),
  );
  assert.throws(() => readCalibrationFile(path.join(dir, 'missing.json')), /file not found/);
  const iso: CalibrationFile = {
    ...good,
    exits: [{ exit: 1, calibrator: { kind: 'isotonic', x: [0.5], y: [0.7] } }, good.exits[1]],
  };
  assert.throws(
    () => exitTemperatures({ numExits: 2, numClasses: 3 } as ExitRecords, iso, 'iso.json'),
    (e: unknown) => e instanceof ConfigError && /exit 1 uses calibrator "isotonic"/.test(e.message),
  );
});
