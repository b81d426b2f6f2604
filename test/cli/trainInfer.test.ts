import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../src/util/repoRoot';
import { readRecords } from '../../src/records/csv';
import { uncalibratedScores } from '../../src/records/scores';

const root = repoRoot(__dirname);
const eecal = (args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'bin/eecal.js'), ...args], {
    encoding: 'utf8',
    cwd: root,
    timeout: 600_000,
  });

test('CI-sized run: B-LeNet trained 1 epoch on MNIST reaches ≥ 97% final-exit test accuracy; infer writes records + sidecar', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-lenet-'));
  const model = path.join(dir, 'lenet');
  const train = eecal(['train', '--model', 'b-lenet', '--out', model, '--epochs', '1', '--seed', '3']);
  assert.equal(train.status, 0, train.stderr);
  assert.match(train.stderr, /backend: /);
  for (const f of [
    'model.json',
    'weights.bin',
    'eecal-model.json',
    'training-log.csv',
    'training-log.json',
    'checkpoint/state.json',
  ]) {
    assert.ok(fs.existsSync(path.join(model, f)), `missing ${f}`);
  }
  const csv = path.join(dir, 'test.csv');
  const infer = eecal(['infer', '--model', model, '--split', 'test', '--out', csv]);
  assert.equal(infer.status, 0, infer.stderr);
  const rec = readRecords(csv);
  assert.equal(rec.numSamples, 10_000);
  assert.equal(rec.numExits, 2);
  const final = uncalibratedScores(rec)[1];
  let correct = 0;
  for (let i = 0; i < rec.numSamples; i++) if (final.prediction[i] === rec.labels[i]) correct++;
  assert.ok(correct / rec.numSamples >= 0.97, `final-exit test accuracy ${correct / rec.numSamples}`);
  const side = rec.meta!;
  assert.deepEqual(side.exitNames, ['branch1', 'final']);
  assert.equal(side.exits![0].splitTensorBytes, 14 * 14 * 5 * 4);
  assert.ok(side.exits!.every((e) => (e.inferenceMsPerSample ?? 0) > 0));
  // A second train into the same folder refuses instead of overwriting the checkpoint.
  const again = eecal(['train', '--model', 'b-lenet', '--out', model, '--epochs', '1']);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already holds a checkpoint: pass --resume/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('usage errors exit 2 and name the option', () => {
  const r = eecal(['train', '--model', 'resnet', '--out', '/tmp/x']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--model "resnet": expected one of b-alexnet, b-lenet/);
  const u = eecal(['infer', '--model', 'models/b-lenet-mnist', '--split', 'dev', '--out', 'x.csv']);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /--split "dev"/);
  assert.equal(eecal(['frobnicate']).status, 2);
});
