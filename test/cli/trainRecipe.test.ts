import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../src/util/repoRoot';

const root = repoRoot(__dirname);
const eecal = (args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'bin/eecal.js'), ...args], {
    encoding: 'utf8',
    cwd: root,
    timeout: 300_000,
  });
const small = ['--model', 'b-lenet', '--dataset', 'mnist', '--max-train', '640', '--seed', '2'];

test('--recipe branchynet: no augmentation, constant Adam 1e-3, last weights kept, tracking CSV, overrides and reference recorded', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-recipe-'));
  const out = path.join(dir, 'm');
  const r = eecal(['train', ...small, '--recipe', 'branchynet', '--epochs', '2', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /recipe branchynet \(overridden: epochs\)/);
  assert.match(r.stderr, /tracking took/);
  const m = JSON.parse(fs.readFileSync(path.join(out, 'eecal-model.json'), 'utf8'));
  assert.equal(m.training.recipe, 'branchynet');
  assert.equal(m.training.augment, false);
  assert.equal(m.training.lrSchedule, 'constant');
  assert.equal(m.training.learningRate, 1e-3);
  assert.deepEqual(m.training.lossWeights, [1, 1]);
  assert.equal(m.keep, 'last');
  assert.equal(m.weightsEpoch, 2);
  assert.deepEqual(m.training.recipeOverrides, ['epochs']);
  assert.equal(m.training.adamUpdates, 2 * Math.ceil(640 / 64));
  assert.equal(m.training.reference.adamUpdates, 150 * 98);
  // keep last: the top-level weights are the last epoch's, i.e. the checkpoint's.
  assert.ok(
    fs.readFileSync(path.join(out, 'weights.bin')).equals(fs.readFileSync(path.join(out, 'checkpoint', 'weights.bin'))),
  );
  const csv = fs.readFileSync(path.join(out, 'calibration-over-training.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + 2 * 2, 'header + 2 epochs × 2 exits');
  assert.match(csv[1], /^1,1,/);
  assert.match(csv[4], /^2,2,/);
  // The help cites the source of each recipe choice.
  const help = eecal(['train', '--help']);
  assert.match(help.stdout, /paper-notes\.md#training/);
});

test('--init-from starts from another model folder: with lr 0 the weights stay the source weights; resume refuses a changed split seed naming it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-init-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  assert.equal(
    eecal(['train', ...small, '--epochs', '1', '--keep', 'last', '--no-track-calibration', '--out', a]).status,
    0,
  );
  const r = eecal([
    'train',
    ...small,
    '--epochs',
    '1',
    '--keep',
    'last',
    '--lr',
    '0',
    '--no-track-calibration',
    '--init-from',
    a,
    '--out',
    b,
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(
    fs.readFileSync(path.join(b, 'weights.bin')).equals(fs.readFileSync(path.join(a, 'weights.bin'))),
    'lr 0 from --init-from keeps the weights',
  );
  const m = JSON.parse(fs.readFileSync(path.join(b, 'eecal-model.json'), 'utf8'));
  assert.equal(m.training.initFrom, path.resolve(a));
  const resume = eecal([
    'train',
    ...small,
    '--epochs',
    '2',
    '--keep',
    'last',
    '--lr',
    '0',
    '--no-track-calibration',
    '--init-from',
    a,
    '--split-seed',
    '9',
    '--out',
    b,
    '--resume',
  ]);
  assert.equal(resume.status, 2);
  assert.match(resume.stderr, /splitSeed was 42, now 9/);
  const wrongKeep = eecal([
    'train',
    ...small,
    '--epochs',
    '2',
    '--keep',
    'best',
    '--lr',
    '0',
    '--no-track-calibration',
    '--init-from',
    a,
    '--out',
    b,
    '--resume',
  ]);
  assert.equal(wrongKeep.status, 2);
  assert.match(wrongKeep.stderr, /keep was "last", now "best"/);
});
