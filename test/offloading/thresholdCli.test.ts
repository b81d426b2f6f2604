import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eecal } from '../faults/cli';
import { writeRecords } from '../../src/records/csv';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-threshold-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * 2 classes, 2 exits. Branch 1: 240 samples with logits [7, 0] (confidence 0.9991, all right) and
 * 160 with [0.2, 0] (confidence 0.550, half right). With the grid 0.5, 0.6, …, 0.9 every threshold
 * above 0.55 keeps exactly the confident samples (all right: rejected whatever the split, since
 * 0.9^m ≤ 0.05 for m ≥ 29 of them in the testing part), and 0.5 keeps the rest too (accuracy 0.8 < 0.9).
 * The ordering part predicts equal p at 0.6…0.9 and the tie goes to 0.6, so the threshold is 0.6.
 */
const recordsPath = path.join(dir, 'val.csv');
{
  const n = 400;
  const labels = new Int32Array(n);
  const b1 = new Float64Array(n * 2);
  const fin = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const confident = i < 240;
    const right = confident || i % 2 === 0;
    labels[i] = right ? 0 : 1;
    b1[i * 2] = confident ? 7 : 0.2;
    fin[i * 2] = 3;
  }
  writeRecords(recordsPath, { numSamples: n, numClasses: 2, numExits: 2, labels, logits: [b1, fin] });
}

/** Run `eecal ARGS` in a child process (the test runner owns this process's stdout). */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = eecal(args);
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const base = [
  'threshold',
  '--records',
  recordsPath,
  '--edge-exits',
  '1',
  '--target',
  '0.9',
  '--delta',
  '0.05',
  '--grid',
  '0.5:0.9:0.1',
];

test('eecal threshold --json: the hand-computed threshold, validation P_off and the best empirical share', async () => {
  const r = await cli([...base, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.threshold, 0.6);
  assert.ok(Math.abs(j.validation.offloadProbability - 160 / 400) < 1e-12);
  assert.equal(j.validation.deviceAccuracy, 1);
  assert.equal(j.bestEmpirical.threshold, 0.6);
  assert.deepEqual(
    j.sequence.map((s: { threshold: number; rejected: boolean }) => [s.threshold, s.rejected]),
    [
      [0.6, true],
      [0.5, false],
    ],
  );
  assert.match(j.guarantee, /With probability ≥ 95\.0 %/);
});

test('eecal threshold: null when nothing can be certified, table output, one-line usage errors', async () => {
  const none = await cli([...base.slice(0, -2), '--grid', '0.5', '--json']);
  assert.equal(none.code, 0, none.err);
  assert.equal(JSON.parse(none.out).threshold, null);
  const table = await cli(base);
  assert.equal(table.code, 0);
  assert.match(table.out, /^threshold: 0\.6$/m);
  assert.match(table.out, /validation P_off at it: 40\.0 %/);
  for (const [args, msg] of [
    [[...base.slice(0, 6), '1.5', '--delta', '0.05'], /--target 1\.5: expected a number in \(0, 1\)/],
    [
      ['threshold', '--records', recordsPath, '--edge-exits', '2', '--target', '0.9', '--delta', '0.05'],
      /--edge-exits 2: the records have 2 exits/,
    ],
    [['threshold', '--records', recordsPath, '--target', '0.9', '--delta', '0.05'], /--edge-exits is required/],
  ] as [string[], RegExp][]) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg);
    assert.equal(r.err.trim().split('\n').length, 1);
  }
});

test('decision file: sweep --decision evaluates exactly the certified threshold; mismatches are usage errors', async () => {
  const decision = path.join(dir, 'decision.json');
  assert.equal((await cli([...base, '--out', decision])).code, 0);
  const d = JSON.parse(fs.readFileSync(decision, 'utf8'));
  assert.equal(d.method, 'risk-control');
  assert.equal(d.threshold, 0.6);
  assert.equal(d.k, 1);
  assert.equal(d.target, 0.9);
  assert.equal(d.delta, 0.05);
  assert.match(d.provenance.recordsSha256, /^[0-9a-f]{64}$/);
  const sweep = await cli(['sweep', '--records', recordsPath, '--decision', decision, '--json']);
  assert.equal(sweep.code, 0, sweep.err);
  const rows = JSON.parse(sweep.out).rows;
  assert.equal(rows.length, 1);
  assert.equal(rows[0].pTar, 0.6);
  assert.ok(Math.abs(rows[0].offloadProbability - 0.4) < 1e-12);
  const outage = await cli([
    'outage',
    '--records',
    recordsPath,
    '--decision',
    decision,
    '--json',
    '--rounds',
    '2',
    '--batch-size',
    '50',
  ]);
  assert.equal(outage.code, 0, outage.err);
  for (const [args, msg] of [
    [['sweep', '--records', recordsPath, '--decision', decision, '--p-tar', '0.8'], /exclusive/],
    [['sweep', '--records', recordsPath, '--decision', path.join(dir, 'missing.json')], /cannot read/],
  ] as [string[], RegExp][]) {
    const r = await cli(args);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, msg);
  }
  fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...d, k: 0 }));
  const bad = await cli(['sweep', '--records', recordsPath, '--decision', path.join(dir, 'bad.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /k: expected an integer ≥ 1/);
});
