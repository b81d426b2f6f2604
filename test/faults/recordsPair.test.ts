import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { readRecords, writeRecords, sidecarPath } from '../../src/records/csv';
import type { ExitRecords } from '../../src/records/types';
import { RecordFormatError } from '../../src/errors';
import { eecal } from './cli';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-pair-'));

/** Two-exit, three-class records whose logits depend on `shift`, with a sidecar carrying per-exit costs. */
function records(shift: number): ExitRecords {
  const n = 4;
  const logits = [0, 1].map((e) => Float64Array.from({ length: n * 3 }, (_, j) => ((j * 7 + e * 3) % 5) - 2 + shift));
  return {
    numSamples: n,
    numClasses: 3,
    numExits: 2,
    labels: Int32Array.from([0, 1, 2, 1]),
    logits,
    meta: {
      format: 'eecal-exit-records',
      version: 1,
      numClasses: 3,
      exitNames: ['branch1', 'final'],
      exits: [
        {
          name: 'branch1',
          params: 10,
          macs: 100 + shift,
          trunkMacs: 90,
          splitTensorShape: [1, 1, 4],
          splitTensorBytes: 16,
        },
        { name: 'final', params: 20, macs: 200, trunkMacs: 200, splitTensorShape: null, splitTensorBytes: null },
      ],
    },
  };
}

const sha256sum = (file: string) => spawnSync('sha256sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0];

test('the sidecar records the sha256 of the CSV beside it (checked against sha256sum) and the pair reads back', () => {
  const dir = tmp();
  const csv = path.join(dir, 'val.csv');
  writeRecords(csv, records(0));
  const side = JSON.parse(fs.readFileSync(sidecarPath(csv), 'utf8'));
  assert.equal(side.csvSha256, sha256sum(csv));
  const back = readRecords(csv);
  assert.equal(back.meta?.exits?.[0].macs, 100);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a CSV replaced without its sidecar is refused, naming both files and the digest field', () => {
  const dir = tmp();
  const csv = path.join(dir, 'val.csv');
  writeRecords(csv, records(0));
  const other = path.join(dir, 'other.csv');
  writeRecords(other, records(1));
  // What a crash between the two renames leaves: one pair's sidecar beside the other's CSV.
  fs.copyFileSync(other, csv);
  assert.throws(
    () => readRecords(csv),
    (e: unknown) =>
      e instanceof RecordFormatError &&
      e.message.startsWith(`${sidecarPath(csv)}: `) &&
      e.message.includes(csv) &&
      e.message.includes('csvSha256') &&
      !e.message.includes('\n'),
  );
  // The CLI: a runtime error (exit 3), one line, no stale latencies printed.
  const r = eecal(['partition', '--records', csv]);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /csvSha256/);
  assert.equal(r.stdout, '');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a sidecar that cannot be written leaves the old CSV and sidecar untouched (nothing replaced)', () => {
  const dir = tmp();
  const csv = path.join(dir, 'val.csv');
  const side = sidecarPath(csv);
  fs.writeFileSync(csv, 'old csv');
  fs.mkdirSync(side); // a folder where the sidecar goes: its write fails, as a full disk would
  assert.throws(() => writeRecords(csv, records(0)), /val\.json/);
  assert.equal(fs.readFileSync(csv, 'utf8'), 'old csv');
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.startsWith('.eecal-tmp')),
    [],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('old sidecars without a digest are still read; a malformed digest is refused; gzip CSVs are checked by content', () => {
  const dir = tmp();
  const csv = path.join(dir, 'val.csv');
  writeRecords(csv, records(0));
  const sidePath = sidecarPath(csv);
  const side = JSON.parse(fs.readFileSync(sidePath, 'utf8'));
  // gzip of the same CSV text: the digest is of the CSV content, so the pair still matches.
  const gz = path.join(dir, 'val.csv.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(csv)));
  fs.rmSync(csv);
  assert.equal(readRecords(gz).meta?.csvSha256, side.csvSha256);
  fs.writeFileSync(csv, zlib.gunzipSync(fs.readFileSync(gz)));
  fs.rmSync(gz);
  delete side.csvSha256;
  fs.writeFileSync(sidePath, JSON.stringify(side));
  assert.equal(readRecords(csv).meta?.exits?.[0].macs, 100);
  fs.writeFileSync(sidePath, JSON.stringify({ ...side, csvSha256: 'abc' }));
  assert.throws(() => readRecords(csv), /val\.json: field "csvSha256" must be 64 lowercase hex digits/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('records written without meta remove the sidecar of the CSV they replace', () => {
  const dir = tmp();
  const csv = path.join(dir, 'val.csv');
  writeRecords(csv, records(0));
  const { meta: _m, ...bare } = records(1);
  writeRecords(csv, bare);
  assert.equal(fs.existsSync(sidecarPath(csv)), false);
  assert.equal(readRecords(csv).logits[0][0], records(1).logits[0][0]);
  fs.rmSync(dir, { recursive: true, force: true });
});
