import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveModelFiles, loadWeightsInto } from '../../src/train/modelIO';
import { loadCheckpoint } from '../../src/train/checkpoint';
import { acquireTrainLock, LOCK_NAME } from '../../src/train/trainLock';
import { reportError } from '../../src/cli/main';
import { ConfigError, DataError } from '../../src/errors';
import { eecal } from './cli';

function tinyModel(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 3, inputShape: [4] }));
  return m;
}

test('truncated weights.bin, truncated model.json and a corrupt checkpoint state are one-line DataErrors naming the file', async () => {
  await tf.setBackend('cpu');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-corrupt-'));
  const m = tinyModel();
  await saveModelFiles(m, dir);
  const wb = path.join(dir, 'weights.bin');
  const full = fs.readFileSync(wb);
  assert.equal(full.length, (4 * 3 + 3) * 4);
  fs.writeFileSync(wb, full.subarray(0, 20));
  assert.throws(
    () => loadWeightsInto(m, dir),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        `${wb}: 20 bytes, expected 60 for the 2 tensors its manifest lists (truncated or from another model?)`,
  );
  fs.writeFileSync(wb, full);
  const mj = path.join(dir, 'model.json');
  fs.writeFileSync(mj, fs.readFileSync(mj, 'utf8').slice(0, 50));
  assert.throws(
    () => loadWeightsInto(m, dir),
    (e: unknown) =>
      e instanceof DataError &&
      e.message.startsWith(`${mj}: not valid JSON, truncated or corrupt?`) &&
      !e.message.includes('\n'),
  );
  fs.writeFileSync(path.join(dir, 'state.json'), '{"epoch": 1');
  await assert.rejects(loadCheckpoint(dir, m, tf.train.adam()), new RegExp(`${dir}/state\\.json: not valid JSON`));
  fs.writeFileSync(path.join(dir, 'state.json'), '{"epoch": "x"}');
  await assert.rejects(
    loadCheckpoint(dir, m, tf.train.adam()),
    /state\.json: fields "epoch", "globalStep" and "config" missing or malformed/,
  );
  m.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('train lock: a live owner is refused naming the lock and PID, a dead owner is taken over, an existing file as --out is refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-lock-'));
  const lockFile = path.join(dir, LOCK_NAME);
  fs.writeFileSync(lockFile, `${process.ppid}\n`); // a live process that is not us
  assert.throws(
    () => acquireTrainLock(dir),
    (e: unknown) =>
      e instanceof ConfigError && e.message.includes(`is being trained by process ${process.ppid} (lock ${lockFile})`),
  );
  fs.writeFileSync(lockFile, '999999999\n'); // no such PID: stale
  const lock = acquireTrainLock(dir);
  // The owner's PID, then its start time (so a PID reused later by another process reads as stale).
  assert.equal(fs.readFileSync(lockFile, 'utf8').trim().split(' ')[0], String(process.pid));
  lock.release();
  assert.ok(!fs.existsSync(lockFile));
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'x');
  assert.throws(() => acquireTrainLock(file), /--out .*f: is an existing file, expected a model folder/);
  assert.throws(() => acquireTrainLock(path.join(file, 'model')), /f is a file, not a folder/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('unexpected errors print one line without a stack unless EECAL_DEBUG=1', () => {
  const lines: string[] = [];
  const orig = console.error;
  console.error = (m: string) => lines.push(m);
  try {
    const err = Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', path: '/x/y' });
    assert.equal(reportError('metrics', err, false), 3);
    assert.equal(reportError('metrics', new ConfigError('--bins 1e9: expected ≤ 100000'), false), 2);
    assert.equal(reportError('metrics', new RangeError('Invalid array length'), true), 3);
  } finally {
    console.error = orig;
  }
  assert.equal(
    lines[0],
    'eecal metrics: unexpected error: EACCES: permission denied, open (/x/y)  [set EECAL_DEBUG=1 for the stack trace]',
  );
  assert.equal(lines[1], 'eecal metrics: --bins 1e9: expected ≤ 100000');
  assert.match(
    lines[2],
    /^eecal metrics: unexpected error: Invalid array length\nRangeError: Invalid array length\n\s+at /,
  );
});

test('CLI usage errors: train --dataset foo and infer --split train exit 2; --bins 1e9 exits 2 before reading anything big', () => {
  const r = eecal(['train', '--model', 'b-lenet', '--dataset', 'foo', '--out', path.join(os.tmpdir(), 'never')]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--dataset "foo": expected cifar10, mnist or folder/);
  const i = eecal([
    'infer',
    '--model',
    'models/b-lenet-mnist',
    '--split',
    'train',
    '--out',
    path.join(os.tmpdir(), 'x.csv'),
  ]);
  assert.equal(i.status, 2, i.stderr);
  assert.match(i.stderr, /--split "train": expected val or test/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-bins-'));
  const csv = path.join(dir, 'r.csv');
  fs.writeFileSync(csv, 'label,exit1_logit0,exit1_logit1\n0,1,0\n1,0,1\n');
  const b = eecal(['metrics', '--records', csv, '--bins', '1e9']);
  assert.equal(b.status, 2, b.stderr);
  assert.match(b.stderr, /--bins 1e9: expected ≤ 100000/);
  fs.rmSync(dir, { recursive: true, force: true });
});
