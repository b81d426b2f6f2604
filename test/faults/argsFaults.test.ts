import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeRecords } from '../../src/records/csv';
import { eecal } from './cli';

/** A folder with small valid records val.csv (+ val.json sidecar). */
function recordsDir(): { dir: string; csv: string; side: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-args-'));
  const csv = path.join(dir, 'val.csv');
  const n = 40;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const logits = [0, 1].map((e) =>
    Float64Array.from(
      { length: n * 2 },
      (_, j) => (((j * 13 + e * 5) % 7) - 3) * (j % 2 === Math.floor(j / 2) % 2 ? 1.5 : 0.5),
    ),
  );
  writeRecords(csv, {
    numSamples: n,
    numClasses: 2,
    numExits: 2,
    labels,
    logits,
    meta: { format: 'eecal-exit-records', version: 1, numClasses: 2, exitNames: ['branch1', 'final'] },
  });
  return { dir, csv, side: path.join(dir, 'val.json') };
}

test('--out naming the input records (directly, through a symlink, through a hard link, or its sidecar) is refused; the input survives', () => {
  const { dir, csv, side } = recordsDir();
  const before = fs.readFileSync(csv);
  const sideBefore = fs.readFileSync(side);
  const sym = path.join(dir, 'sym.csv');
  fs.symlinkSync(csv, sym);
  const hard = path.join(dir, 'hard.csv');
  fs.linkSync(csv, hard);
  const runs: string[][] = [
    ['sweep', '--records', csv, '--out', csv],
    ['sweep', '--records', csv, '--out', sym],
    ['sweep', '--records', sym, '--out', hard],
    ['calibrate', '--records', csv, '--method', 'temperature', '--out', hard],
    ['sweep', '--records', csv, '--out', side],
  ];
  for (const args of runs) {
    const r = eecal(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /--out .* (is the same file as|is the sidecar of) --records .*would destroy the input/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.ok(fs.readFileSync(csv).equals(before), 'input records unchanged');
  assert.ok(fs.readFileSync(side).equals(sideBefore), 'input sidecar unchanged');
  // Another file is still fine.
  const ok = eecal(['sweep', '--records', csv, '--out', path.join(dir, 'sweep.txt')]);
  assert.equal(ok.status, 0, ok.stderr);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a single-value flag given twice and an empty value are usage errors naming the flag', () => {
  const { dir, csv } = recordsDir();
  const twice = eecal(['metrics', '--records', csv, '--bins', '10', '--bins', '15']);
  assert.equal(twice.status, 2, twice.stderr);
  assert.match(twice.stderr, /--bins given twice; expected it once/);
  const empty = eecal(['sweep', '--records', csv, '--out', '']);
  assert.equal(empty.status, 2, empty.stderr);
  assert.match(empty.stderr, /--out is empty; expected a value/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a negative number after a flag reaches its range check instead of "argument is ambiguous"', () => {
  const { dir, csv } = recordsDir();
  const r = eecal(['calibrate', '--records', csv, '--method', 'per-branch', '--p-tar', '-0.5']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--p-tar -0\.5: expected ≥ 0/);
  assert.doesNotMatch(r.stderr, /ambiguous/);
  fs.rmSync(dir, { recursive: true, force: true });
});
