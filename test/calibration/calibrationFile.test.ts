import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CALIBRATOR_KINDS,
  calibrationFileOf,
  calibratorsOf,
  createCalibrator,
  readCalibrationFile,
  scoreRecords,
  writeCalibrationFile,
} from '../../src/calibration';
import { topLabelOf } from '../../src/metrics';
import { topLabelScores } from '../../src/records/scores';
import type { ExitRecords } from '../../src/records/types';
import type { CalibrationFile } from '../../src/calibration/calibrationFile';
import { RecordFormatError } from '../../src/errors';
import { referenceData } from './reference';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-calibration-file-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function twoExitRecords(): ExitRecords {
  const { C, z, y } = referenceData();
  const second = z.map((v, j) => v * 0.7 + (j % C === y[Math.floor(j / C)] ? 1 : 0));
  return { numSamples: y.length, numClasses: C, numExits: 2, labels: y, logits: [z, second] };
}

test('scoreRecords applies every calibrator kind: confidence = max calibrated p, prediction = its argmax', () => {
  const records = twoExitRecords();
  const C = records.numClasses;
  for (const kind of CALIBRATOR_KINDS) {
    const cals = records.logits.map((l) => createCalibrator(kind).fit(l, records.labels, C));
    const file = calibrationFileOf(kind, null, C, cals);
    const scores = scoreRecords(records, JSON.parse(JSON.stringify(file)));
    records.logits.forEach((l, e) => {
      const expected = topLabelOf(cals[e].probabilities(l), records.labels, C);
      assert.deepEqual([...scores[e].confidence], [...expected.confidence], `${kind} exit ${e + 1}`);
      assert.deepEqual([...scores[e].prediction], [...expected.prediction], `${kind} exit ${e + 1}`);
    });
  }
  // The contract the offloading commands already rely on: temperature states without numClasses.
  const s = scoreRecords(records, {
    format: 'eecal-calibration',
    version: 1,
    method: 'temperature',
    pTar: null,
    numExits: 2,
    numClasses: C,
    exits: [
      { exit: 1, calibrator: { kind: 'temperature', temperature: 1.7 } },
      { exit: 2, calibrator: { kind: 'identity' } },
    ],
  });
  assert.deepEqual(s[0], topLabelScores(records.logits[0], C, 1.7));
  assert.deepEqual(s[1], topLabelScores(records.logits[1], C, 1));
});

test('scoreRecords rejects a file for other exits/classes and unknown kinds (no silent T = 1)', () => {
  const records = twoExitRecords();
  const base = {
    format: 'eecal-calibration' as const,
    version: 1 as const,
    method: 'x',
    pTar: null,
    numClasses: records.numClasses,
  };
  assert.throws(
    () => scoreRecords(records, { ...base, numExits: 3, exits: [] }),
    /calibration is for 3 exits, but the records have 2/,
  );
  assert.throws(
    () => scoreRecords(records, { ...base, numExits: 2, numClasses: 7, exits: [] }),
    /calibration is for 7 classes, but the records have 5/,
  );
  const unknown = {
    ...base,
    numExits: 2,
    exits: [1, 2].map((e) => ({ exit: e, calibrator: { kind: 'dirichlet' } })),
  } as unknown as CalibrationFile;
  assert.throws(
    () => scoreRecords(records, unknown),
    (e: unknown) => e instanceof RecordFormatError && /exit 1: .*"dirichlet" is not one of/.test((e as Error).message),
  );
});

test('calibration files round-trip atomically and are validated on read and write', () => {
  const records = twoExitRecords();
  const C = records.numClasses;
  const cals = records.logits.map((l) => createCalibrator('isotonic').fit(l, records.labels, C));
  const file = calibrationFileOf('isotonic', null, C, cals);
  const p = path.join(dir, 'calib.json');
  writeCalibrationFile(p, file);
  assert.deepEqual(fs.readdirSync(dir), ['calib.json'], 'no temporary file left behind');
  const back = readCalibrationFile(p);
  assert.deepEqual(back, JSON.parse(JSON.stringify(file)));
  assert.deepEqual(
    [...calibratorsOf(back)[1].probabilities(records.logits[1])],
    [...cals[1].probabilities(records.logits[1])],
  );
  const bad = (obj: unknown, re: RegExp) => {
    fs.writeFileSync(p, typeof obj === 'string' ? obj : JSON.stringify(obj));
    assert.throws(
      () => readCalibrationFile(p),
      (e: unknown) => e instanceof RecordFormatError && re.test((e as Error).message),
      String(re),
    );
  };
  bad('{not json', /calib\.json: not valid JSON/);
  bad({ ...file, format: 'x' }, /field "format" must be "eecal-calibration"/);
  bad({ ...file, version: 2 }, /field "version": expected 1, found 2/);
  bad({ ...file, numExits: 3 }, /field "exits" must list 3 calibrators/);
  bad({ ...file, pTar: 2 }, /field "pTar" must be null or a number in \[0, 1\]/);
  bad({ ...file, exits: [file.exits[1], file.exits[0]] }, /exits\[0\] must be \{"exit": 1/);
  bad(
    { ...file, exits: [file.exits[0], { exit: 2, calibrator: { kind: 'isotonic', x: [1], y: [2] } }] },
    /exits\[1\] \(exit 2\): isotonic calibrator/,
  );
  assert.throws(() => readCalibrationFile(path.join(dir, 'missing.json')), /file not found/);
  assert.throws(
    () => writeCalibrationFile(path.join(dir, 'never.json'), { ...file, numClasses: 1 }),
    /"numClasses" must be an integer ≥ 2/,
  );
  assert.equal(fs.existsSync(path.join(dir, 'never.json')), false);
});
