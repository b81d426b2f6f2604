import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeRecords } from '../../src/records/csv';
import type { RecordsSidecar } from '../../src/records/types';
import { provenanceMismatch, type CalibrationFile } from '../../src/calibration/calibrationFile';
import { eecal } from './cli';

/** Records of one model (its weights digest and seed in the sidecar), 2 exits × 3 classes. */
function write(file: string, model: { weights?: string; seed: number }, shift: number): void {
  const n = 90;
  const C = 3;
  const labels = Int32Array.from({ length: n }, (_, i) => i % C);
  const logits = [0, 1].map((e) =>
    Float64Array.from(
      { length: n * C },
      (_, j) => (((j * 31 + e * 11 + shift) % 13) - 6) / 2 + (j % C === labels[Math.floor(j / C)] ? 2 : 0),
    ),
  );
  const meta: RecordsSidecar = {
    format: 'eecal-exit-records',
    version: 1,
    numClasses: C,
    exitNames: ['branch1', 'final'],
    model: 'b-lenet',
    dataset: 'mnist',
    seed: model.seed,
    splitSeed: 42,
    weightsEpoch: 3,
    ...(model.weights ? { weightsSha256: model.weights.repeat(64) } : {}),
  };
  writeRecords(file, { numSamples: n, numClasses: C, numExits: 2, labels, logits, meta });
}

test("a calibration records what it was fitted on; applying it to another model's records warns, or with --strict is refused", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-prov-'));
  const [aVal, aTest, bTest] = ['a/val.csv', 'a/test.csv', 'b/test.csv'].map((f) => path.join(dir, f));
  write(aVal, { weights: 'a', seed: 1 }, 0);
  write(aTest, { weights: 'a', seed: 1 }, 1);
  write(bTest, { weights: 'b', seed: 1 }, 2);
  const cal = path.join(dir, 'cal.json');
  const fit = eecal(['calibrate', '--records', aVal, '--method', 'temperature', '--out', cal]);
  assert.equal(fit.status, 0, fit.stderr);
  const file = JSON.parse(fs.readFileSync(cal, 'utf8')) as CalibrationFile;
  assert.equal(file.fittedOn?.records, aVal);
  assert.equal(file.fittedOn?.weightsSha256, 'a'.repeat(64));
  assert.equal(file.fittedOn?.csvSha256?.length, 64);
  // The same model's test records: no warning.
  const same = eecal(['metrics', '--records', aTest, '--calibration', cal]);
  assert.equal(same.status, 0, same.stderr);
  assert.doesNotMatch(same.stderr, /warning/);
  // Another model's records of the same shape: a warning naming both files, still exit 0.
  const other = eecal(['metrics', '--records', bTest, '--calibration', cal]);
  assert.equal(other.status, 0, other.stderr);
  assert.match(
    other.stderr,
    /warning: --calibration .*cal\.json may not belong to --records .*b\/test\.csv: it was fitted on records of other weights/,
  );
  for (const cmd of [['metrics'], ['sweep'], ['partition']]) {
    const strict = eecal([...cmd, '--records', bTest, '--calibration', cal, '--strict']);
    assert.equal(strict.status, 2, `${cmd}: ${strict.stderr}`);
    assert.match(strict.stderr, /refused by --strict/);
  }
  // A file written before provenance existed is applied as before.
  const { fittedOn: _f, ...old } = file;
  fs.writeFileSync(cal, JSON.stringify(old));
  const legacy = eecal(['metrics', '--records', bTest, '--calibration', cal, '--strict']);
  assert.equal(legacy.status, 0, legacy.stderr);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('without a weights digest, model identity fields are compared (seed, epoch, exit names)', () => {
  const cal = {
    format: 'eecal-calibration',
    version: 1,
    method: 'temperature',
    pTar: null,
    numExits: 2,
    numClasses: 3,
    exits: [],
    fittedOn: {
      records: 'val.csv',
      csvSha256: null,
      numExits: 2,
      numClasses: 3,
      exitNames: ['branch1', 'final'],
      model: 'b-lenet',
      dataset: 'mnist',
      seed: 1,
      splitSeed: 42,
      weightsEpoch: 3,
      weightsSha256: null,
    },
  } as CalibrationFile;
  const meta = (over: Partial<RecordsSidecar>) => ({
    numExits: 2,
    numClasses: 3,
    meta: {
      format: 'eecal-exit-records',
      version: 1,
      numClasses: 3,
      exitNames: ['branch1', 'final'],
      model: 'b-lenet',
      dataset: 'mnist',
      seed: 1,
      splitSeed: 42,
      weightsEpoch: 3,
      ...over,
    } as RecordsSidecar,
  });
  assert.equal(provenanceMismatch(cal, meta({ split: 'test' })), null);
  assert.match(
    provenanceMismatch(cal, meta({ seed: 2, weightsEpoch: 5 })) ?? '',
    /another model \(seed 1 vs 2; weightsEpoch 3 vs 5\)/,
  );
  assert.match(
    provenanceMismatch(cal, meta({ exitNames: ['b1', 'final'] })) ?? '',
    /exit names branch1,final vs b1,final/,
  );
  // Records without a sidecar say nothing: no claim either way.
  assert.equal(provenanceMismatch(cal, { numExits: 2, numClasses: 3 }), null);
});
