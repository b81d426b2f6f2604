import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { parseRecordsCsv, readRecords, recordsHeader, writeRecords } from '../../src/records/csv';
import { MAX_ABS_LOGIT } from '../../src/records/numberSyntax';
import { RecordFormatError } from '../../src/errors';

const header = recordsHeader(2, 3).join(',');
const good = `${header}\n1,0,2,0,1,1,1\n0,3,0,0,0,0,5\n`;
/** Replace the label of the first data row. */
const withLabel = (label: string) => good.replace('\n1,0,2,0', `\n${label},0,2,0`);
/** Replace exit1_logit1 of the first data row. */
const withLogit = (logit: string) => good.replace('\n1,0,2,0', `\n1,0,${logit},0`);

test('labels must be plain decimal integers: empty, spaces, sign, point, exponent and hex are refused with line and value', () => {
  for (const bad of ['', ' 3', '3 ', '+3', '-0', '1.0', '1e0', '0x1', '0b1', 'one']) {
    assert.throws(
      () => parseRecordsCsv(withLabel(bad), 'l.csv'),
      (e: unknown) =>
        e instanceof RecordFormatError &&
        e.message.includes(`l.csv: line 2: label ${JSON.stringify(bad)} is not an integer in [0, 2]`),
      `label ${JSON.stringify(bad)}`,
    );
  }
  assert.deepEqual([...parseRecordsCsv(withLabel('2')).labels], [2, 0]);
  assert.deepEqual([...parseRecordsCsv(withLabel('02')).labels], [2, 0]);
});

test('logits must be decimal floats within ±MAX_ABS_LOGIT; hex, empty, Infinity and 1e308 are refused naming line and column', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /line 2, column exit1_logit1: "" is empty/],
    ['0x10', /line 2, column exit1_logit1: "0x10" is not a decimal number/],
    [' 1', /" 1" is not a decimal number/],
    ['Infinity', /"Infinity" is not a finite number/],
    ['NaN', /"NaN" is not a finite number/],
    ['1e308', /"1e308" has magnitude above 1e\+30/],
    ['-1e31', /"-1e31" has magnitude above/],
    ['1e400', /"1e400" has magnitude above/],
  ];
  for (const [cell, re] of cases) assert.throws(() => parseRecordsCsv(withLogit(cell), 'z.csv'), re, cell);
  for (const [cell, v] of [
    ['-2.5e3', -2500],
    ['.5', 0.5],
    ['5.', 5],
    ['+1E+2', 100],
    ['1e30', 1e30],
    ['-1e30', -1e30],
  ] as const) {
    assert.equal(parseRecordsCsv(withLogit(cell)).logits[0][1], v, cell);
  }
  assert.equal(MAX_ABS_LOGIT, 1e30);
});

test('a 1-class header is refused (records need ≥ 2 classes)', () => {
  assert.throws(
    () => parseRecordsCsv('label,exit1_logit0,exit2_logit0\n0,1,2\n', 'one.csv'),
    /one\.csv: header has 1 class per exit.*≥ 2 classes/,
  );
});

test('CRLF line ends, trailing blank lines; a blank line inside is a ragged row', () => {
  const r = parseRecordsCsv(good.replace(/\n/g, '\r\n') + '\r\n\n  \n', 'c.csv');
  assert.equal(r.numSamples, 2);
  assert.deepEqual([...r.logits[1]], [1, 1, 1, 0, 0, 5]);
  assert.throws(
    () => parseRecordsCsv(good.replace('\n0,3', '\n\n0,3'), 'b.csv'),
    /b\.csv: line 3 has 1 fields, expected 7/,
  );
});

test('readRecords: gzip read directly (.csv.gz or gzip content under .csv), directories and binary files refused in one line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-rec-'));
  const gz = path.join(dir, 'val.csv.gz');
  fs.writeFileSync(gz, zlib.gzipSync(good));
  const r = readRecords(gz);
  assert.equal(r.numSamples, 2);
  assert.deepEqual([...r.logits[0]], [0, 2, 0, 3, 0, 0]);
  const disguised = path.join(dir, 'x.csv');
  fs.writeFileSync(disguised, zlib.gzipSync(good));
  assert.deepEqual([...readRecords(disguised).labels], [1, 0]);
  const truncated = path.join(dir, 't.csv.gz');
  fs.writeFileSync(truncated, zlib.gzipSync(good).subarray(0, 20));
  assert.throws(() => readRecords(truncated), /t\.csv\.gz: cannot decompress gzip data/);
  assert.throws(() => readRecords(dir), new RegExp(`${dir}: is a directory \\(expected an exit-records CSV file`));
  const bin = path.join(dir, 'bin.csv');
  fs.writeFileSync(bin, Buffer.from([0, 1, 2, 200, 10, 44, 3, 255]));
  assert.throws(
    () => readRecords(bin),
    (e: unknown) =>
      e instanceof RecordFormatError &&
      !e.message.includes('\n') &&
      /first column must be "label", found "\\u0000/.test(e.message),
  );
  assert.throws(() => readRecords(path.join(dir, 'none.csv')), /none\.csv: file not found/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('streamed read matches the written records across chunk boundaries (rows span 1 MiB chunks)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-rec-'));
  const n = 30_000;
  const C = 7;
  const labels = new Int32Array(n).map((_, i) => (i * 5) % C);
  const logits = [0, 1].map((e) => new Float64Array(n * C).map((_, j) => ((j * 7919 + e * 13) % 1000) / 37 - 13.5));
  const file = path.join(dir, 'big.csv');
  writeRecords(file, { numSamples: n, numClasses: C, numExits: 2, labels, logits });
  assert.ok(fs.statSync(file).size > 2 * 1024 * 1024, 'spans several chunks');
  const r = readRecords(file);
  assert.equal(r.numSamples, n);
  assert.deepEqual(r.labels, labels);
  for (let e = 0; e < 2; e++)
    for (let j = 0; j < n * C; j++)
      if (Math.abs(r.logits[e][j] - logits[e][j]) > 1e-7 * Math.max(1, Math.abs(logits[e][j])))
        assert.fail(`exit ${e} index ${j}`);
  fs.rmSync(dir, { recursive: true, force: true });
});
