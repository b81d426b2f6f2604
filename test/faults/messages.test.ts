import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeRecords } from '../../src/records/csv';
import type { ExitRecords, RecordsSidecar } from '../../src/records/types';
import { readModelFolder } from '../../src/records/modelFolder';
import { stratifiedSplit } from '../../src/data/splits';
import { RecordFormatError } from '../../src/errors';
import { eecal, root } from './cli';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-msg-'));

function records(numExits: number, C: number, meta?: Partial<RecordsSidecar>): ExitRecords {
  const n = 30;
  const labels = Int32Array.from({ length: n }, (_, i) => i % C);
  const logits = Array.from({ length: numExits }, (_, e) =>
    Float64Array.from(
      { length: n * C },
      (_, j) => ((j * 7 + e) % 5) - 2 + (j % C === labels[Math.floor(j / C)] ? 1 : 0),
    ),
  );
  return {
    numSamples: n,
    numClasses: C,
    numExits,
    labels,
    logits,
    ...(meta
      ? {
          meta: {
            format: 'eecal-exit-records',
            version: 1,
            numClasses: C,
            exitNames: Array.from({ length: numExits }, (_, e) => (e === numExits - 1 ? 'final' : `b${e + 1}`)),
            ...meta,
          } as RecordsSidecar,
        }
      : {}),
  };
}

/** One line on stderr, prefixed by the command, with the expected exit code. */
function oneLine(r: { status: number | null; stderr: string }, code: number, re: RegExp): void {
  assert.equal(r.status, code, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, re);
  assert.doesNotMatch(r.stderr, /unexpected error/);
}

test('paths: a symlink loop is not "not found"; a folder as --calibration is not "not valid JSON"', () => {
  const dir = tmp();
  fs.symlinkSync('b.csv', path.join(dir, 'a.csv'));
  fs.symlinkSync('a.csv', path.join(dir, 'b.csv'));
  oneLine(
    eecal(['metrics', '--records', path.join(dir, 'a.csv')]),
    3,
    /a\.csv: a symlink loop \(too many levels of symbolic links\) \(expected an exit-records CSV\)/,
  );
  const csv = path.join(dir, 'r.csv');
  writeRecords(csv, records(2, 3));
  fs.mkdirSync(path.join(dir, 'cal'));
  oneLine(
    eecal(['metrics', '--records', csv, '--calibration', path.join(dir, 'cal')]),
    3,
    /cal: is a directory \(expected a calibration JSON from eecal calibrate --out\)/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--score with a class past the last one is a usage error naming the flag and the classes', () => {
  const dir = tmp();
  const csv = path.join(dir, 'r.csv');
  writeRecords(csv, records(2, 3));
  oneLine(
    eecal(['sweep', '--records', csv, '--score', 'p[11]']),
    2,
    /eecal sweep: --score "p\[11\]": .*\(the records have classes p\[0\]…p\[2\]\)/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('errors about the sidecar name the sidecar file; records without one name the file expected', () => {
  const dir = tmp();
  const csv = path.join(dir, 'r.csv');
  const cost = (name: string, bytes: unknown) => ({
    name,
    params: 1,
    macs: 10,
    trunkMacs: 10,
    splitTensorShape: null,
    splitTensorBytes: bytes,
    inferenceMsPerSample: 1,
  });
  writeRecords(csv, records(2, 3, { exits: [cost('b1', 'many'), cost('final', null)] as never }));
  oneLine(
    eecal(['partition', '--records', csv]),
    3,
    new RegExp(
      `${path.join(dir, 'r.json').replace(/[.]/g, '\\.')}: exits\\[0\\]\\.splitTensorBytes = many, expected a byte count`,
    ),
  );
  const bare = path.join(dir, 'bare.csv');
  writeRecords(bare, records(2, 3));
  oneLine(
    eecal(['partition', '--records', bare]),
    3,
    /bare\.csv: records have no sidecar .* \(expected .*bare\.json, written by eecal infer\)/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('reproduce: --verdict-replicates too small names the flag, not verdicts.replicates; val/test of different shapes name both files', () => {
  const dir = tmp();
  oneLine(
    eecal(['reproduce', '--model', dir, '--out', path.join(dir, 'out'), '--verdict-replicates', '30']),
    2,
    /--verdict-replicates 30: expected ≥ 119/,
  );
  writeRecords(path.join(dir, 'records', 'val.csv'), records(2, 3));
  writeRecords(path.join(dir, 'records', 'test.csv'), records(3, 3));
  assert.throws(
    () => readModelFolder(dir),
    (e: unknown) =>
      e instanceof RecordFormatError &&
      /val\.csv has 2 exits × 3 classes but .*test\.csv has 3 × 3/.test((e as Error).message),
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a calibration number that overflows a double is named, not "found null"', () => {
  const dir = tmp();
  const csv = path.join(dir, 'r.csv');
  writeRecords(csv, records(2, 3));
  const cal = path.join(dir, 'cal.json');
  fs.writeFileSync(
    cal,
    '{"format":"eecal-calibration","version":1,"method":"temperature","pTar":null,"numExits":2,"numClasses":3,"exits":[{"exit":1,"calibrator":{"kind":"temperature","temperature":1e309}},{"exit":2,"calibrator":{"kind":"identity"}}]}',
  );
  oneLine(
    eecal(['metrics', '--records', csv, '--calibration', cal]),
    3,
    /cal\.json: field "temperature" overflows a double/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a validation split larger than the training files does not suggest a flag the command lacks', () => {
  assert.throws(
    () => stratifiedSplit(Int32Array.from([0, 1, 0, 1]), 2, 10, 0),
    (e: unknown) =>
      /validation size 10: expected an integer in \[0, 3\]/.test((e as Error).message) &&
      !/--val-size on the command line/.test((e as Error).message),
  );
});

test('train --resume with another --model names the flag instead of a tensor-count mismatch', () => {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, 'checkpoint'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'checkpoint', 'state.json'),
    JSON.stringify({ epoch: 1, globalStep: 2, config: {}, run: { architecture: 'b-alexnet' } }),
  );
  const r = eecal([
    'train',
    '--model',
    'b-lenet',
    '--dataset',
    'mnist',
    '--max-train',
    '64',
    '--epochs',
    '2',
    '--out',
    dir,
    '--resume',
  ]);
  assert.equal(r.status, 2, r.stderr);
  // The backend report comes first; the error is the last line.
  assert.match(
    r.stderr.trim().split('\n').pop() ?? '',
    /^eecal train: --model b-lenet: the checkpoint in .* trains b-alexnet; pass --model b-alexnet to resume it/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('reproduce with a Chromium that does not start: exit 3, says what to do, replaces nothing', () => {
  const dir = tmp();
  const out = path.join(dir, 'out');
  const r = eecal(
    [
      'reproduce',
      '--model',
      path.join(root, 'models', 'b-lenet-mnist'),
      '--out',
      out,
      '--verdict-replicates',
      '200',
      '--claim-methods',
      'temperature',
      '--replicates',
      '20',
    ],
    { EECAL_CHROMIUM: '/bin/false' },
  );
  assert.equal(r.status, 3, r.stderr);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  assert.match(
    last,
    /^eecal reproduce: error: Chromium \(\/bin\/false\) failed to start for PNG\/SVG export: .*rerun with --no-images, or set EECAL_CHROMIUM/,
  );
  assert.doesNotMatch(r.stderr, /unexpected error/);
  assert.deepEqual(fs.readdirSync(out), []);
  fs.rmSync(dir, { recursive: true, force: true });
});
