import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { firstNonFinite } from '../../src/train/finiteWeights';
import { loadWeightsInto, saveModelFiles, saveNamedTensors } from '../../src/train/modelIO';
import { stateProblem, type TrainingState } from '../../src/train/trainingState';
import { lossWeights } from '../../src/train/lossWeights';
import { acquireTrainLock, LOCK_NAME, processStartTime } from '../../src/train/trainLock';
import { ConfigError, DataError, FitError } from '../../src/errors';
import { eecal, eecalAsync } from './cli';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-refuse-'));
const small = [
  '--model',
  'b-lenet',
  '--dataset',
  'mnist',
  '--max-train',
  '64',
  '--batch-size',
  '32',
  '--seed',
  '1',
  '--no-track-calibration',
];

test('firstNonFinite finds the first NaN/Infinity of the float tensors, skipping int tensors (hand-built buffer)', () => {
  const f = new Float32Array([1, 2, 3, 4, 5, Infinity]);
  // Layout: a: float32[2], b: int32[1] (bytes of NaN as an int are not a float), c: float32[3].
  f[2] = new Float32Array(new Int32Array([0x7fc00000]).buffer)[0];
  const specs: tf.io.WeightsManifestEntry[] = [
    { name: 'a', shape: [2], dtype: 'float32' },
    { name: 'b', shape: [1], dtype: 'int32' },
    { name: 'c', shape: [3], dtype: 'float32' },
  ];
  assert.deepEqual(firstNonFinite(f.buffer, specs), { name: 'c', index: 2, value: Infinity });
  assert.equal(firstNonFinite(new Float32Array([1, 2, 3, 4, 5, 6]).buffer, specs), null);
});

test('NaN weights are refused when saved (training diverged) and when loaded (infer would write plausible records)', async () => {
  const dir = tmp();
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'd' })] });
  await saveModelFiles(model, dir);
  // Corrupt one kernel value in the file: byte offset 4·4 is kernel[1][1].
  const wb = path.join(dir, 'weights.bin');
  const buf = fs.readFileSync(wb);
  buf.writeFloatLE(NaN, 16);
  fs.writeFileSync(wb, buf);
  assert.throws(
    () => loadWeightsInto(model, dir),
    (e: unknown) =>
      e instanceof DataError &&
      /weights\.bin: weight "d\/kernel" holds NaN at index 4; expected finite numbers/.test((e as Error).message),
  );
  // A model whose weights went NaN is never persisted; the old files stay.
  const before = fs.readFileSync(wb);
  const w = model.getWeights();
  model.setWeights([tf.fill(w[0].shape, NaN), w[1]]);
  await assert.rejects(
    saveModelFiles(model, dir),
    (e: unknown) => e instanceof FitError && /training diverged: weight "d\/kernel" is NaN/.test((e as Error).message),
  );
  assert.ok(fs.readFileSync(wb).equals(before));
  await assert.rejects(
    saveNamedTensors([{ name: 'm', tensor: tf.tensor1d([0, -Infinity]) }], dir, 'optimizer'),
    /optimizer state "m" is -Infinity \(index 1\)/,
  );
  assert.equal(fs.existsSync(path.join(dir, 'optimizer.bin')), false);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('impossible training states are named by field; all-zero loss weights are refused', () => {
  const good: TrainingState = {
    epoch: 2,
    batch: 0,
    globalStep: 4,
    rngState: null,
    partialLossSums: [0, 0],
    partialSamples: 0,
    partialSeconds: 0,
    history: [{} as never, {} as never],
    bestValLoss: 0.5,
    bestEpoch: 2,
    epochsWithoutImprovement: 0,
    config: {},
  };
  assert.equal(stateProblem(good, 2), null);
  assert.match(stateProblem({ ...good, epoch: -1 }, 2) ?? '', /field "epoch" is -1; expected a whole number ≥ 0/);
  assert.match(stateProblem({ ...good, epoch: 99 }, 2) ?? '', /field "epoch" is 99 but "history" has 2 epoch rows/);
  assert.match(stateProblem({ ...good, bestEpoch: 3 }, 2) ?? '', /field "bestEpoch" is 3/);
  assert.match(stateProblem({ ...good, partialLossSums: [0, NaN] }, 2) ?? '', /partialLossSums/);
  assert.throws(
    () => lossWeights('0,0', 2),
    (e: unknown) => e instanceof ConfigError && /all zero, so nothing would be trained/.test((e as Error).message),
  );
  assert.deepEqual(lossWeights('0,1', 2), [0, 1]);
});

test('a lock whose PID now belongs to another live process (other start time) is stale; the same process is not', async () => {
  const dir = tmp();
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 200));
  const pid = child.pid as number;
  const start = processStartTime(pid);
  assert.ok(start !== null && /^\d+$/.test(start), `start time of ${pid}: ${start}`);
  const lockFile = path.join(dir, LOCK_NAME);
  try {
    fs.writeFileSync(lockFile, `${pid} ${start}\n`);
    assert.throws(() => acquireTrainLock(dir), new RegExp(`being trained by process ${pid}`));
    // Same PID, another start time: the crashed owner's PID was reused.
    fs.writeFileSync(lockFile, `${pid} ${Number(start) - 1}\n`);
    const lock = acquireTrainLock(dir);
    assert.equal(fs.readFileSync(lockFile, 'utf8'), `${process.pid} ${processStartTime(process.pid)}\n`);
    lock.release();
    assert.equal(fs.existsSync(lockFile), false);
  } finally {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('train: --epoch-records at a file and --loss-weights 0,0 are refused before training; resuming a finished run names --epochs', () => {
  const dir = tmp();
  const file = path.join(dir, 'file');
  fs.writeFileSync(file, 'x');
  const er = eecal(['train', ...small, '--epochs', '1', '--out', path.join(dir, 'a'), '--epoch-records', file]);
  assert.equal(er.status, 2, er.stderr);
  assert.match(er.stderr, /--epoch-records .*file: is an existing file; expected a folder/);
  assert.doesNotMatch(er.stderr, /training b-lenet/);
  const zero = eecal(['train', ...small, '--epochs', '1', '--out', path.join(dir, 'b'), '--loss-weights', '0,0']);
  assert.equal(zero.status, 2, zero.stderr);
  assert.match(zero.stderr, /all zero, so nothing would be trained/);
  const out = path.join(dir, 'c');
  const first = eecal(['train', ...small, '--epochs', '1', '--out', out]);
  assert.equal(first.status, 0, first.stderr);
  const again = eecal(['train', ...small, '--epochs', '1', '--out', out, '--resume']);
  assert.equal(again.status, 2, again.stderr);
  assert.match(again.stderr, /--epochs 1: the checkpoint in .* has already completed 1 epoch; pass --epochs 2 or more/);
  // A state.json claiming an epoch the history does not have: a one-line error naming file and field.
  const statePath = path.join(out, 'checkpoint', 'state.json');
  const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
  fs.writeFileSync(statePath, JSON.stringify({ ...state, epoch: -1 }));
  const bad = eecal(['train', ...small, '--epochs', '2', '--out', out, '--resume']);
  assert.equal(bad.status, 3, bad.stderr);
  assert.match(bad.stderr, /state\.json: field "epoch" is -1; expected a whole number ≥ 0 \(corrupt checkpoint\)/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('train: SIGINT during start-up releases the lock and says so (exit 130)', async () => {
  const dir = tmp();
  const out = path.join(dir, 'm');
  const run = eecalAsync(['train', ...small, '--epochs', '1', '--out', out]);
  const lock = path.join(out, LOCK_NAME);
  const t0 = Date.now();
  while (!fs.existsSync(lock) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 5));
  assert.ok(fs.existsSync(lock), 'the lock appeared');
  run.child.kill('SIGINT');
  const { code, stderr } = await run.done;
  assert.equal(code, 130, stderr);
  // Seen before training began: stopped at once; seen later: the trainer checkpoints, then exits.
  assert.match(
    stderr,
    /SIGINT: (eecal train stopped during start-up; nothing was trained \(lock .* released\)|writing a checkpoint)/,
  );
  assert.equal(fs.existsSync(lock), false, 'lock removed');
  fs.rmSync(dir, { recursive: true, force: true });
});
