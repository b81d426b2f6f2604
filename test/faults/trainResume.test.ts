import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eecal, eecalAsync } from './cli';

// B-LeNet on MNIST, 18 Adam steps per epoch (144 samples, batch 8: the step counts of a
// 1152 × batch 64 run at an eighth of the compute). tfjs restores Adam's β^t by recomputing a
// power, which differed in the last float32 bit from the running product at steps 18 and 20; the
// checkpoint now stores the running products.
const small = [
  '--model',
  'b-lenet',
  '--dataset',
  'mnist',
  '--max-train',
  '144',
  '--batch-size',
  '8',
  '--seed',
  '1',
  '--no-track-calibration',
];
const weights = (dir: string) => fs.readFileSync(path.join(dir, 'checkpoint', 'weights.bin'));
const step = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint', 'state.json'), 'utf8')).globalStep;

test('resume is bit-exact on the cpu backend: stopped after 18 (epoch end), resumed, stopped after 20 (mid-epoch), resumed', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-faults-resume-'));
  const straight = path.join(base, 'straight');
  const r = eecal(['train', ...small, '--epochs', '2', '--out', straight]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(step(straight), 36);
  const out = path.join(base, 'broken');
  const first = eecal(['train', ...small, '--epochs', '2', '--out', out], { EECAL_STOP_AFTER_STEPS: '18' });
  assert.equal(first.status, 130, first.stderr);
  assert.equal(step(out), 18);
  const second = eecal(['train', ...small, '--epochs', '2', '--out', out, '--resume'], {
    EECAL_STOP_AFTER_STEPS: '20',
  });
  assert.equal(second.status, 130, second.stderr);
  assert.match(second.stderr, /\(step 18\)/);
  assert.equal(step(out), 20);
  const last = eecal(['train', ...small, '--epochs', '2', '--out', out, '--resume']);
  assert.equal(last.status, 0, last.stderr);
  assert.match(last.stderr, /\(step 20\)/);
  assert.ok(
    weights(out).equals(weights(straight)),
    'weights after resuming at steps 18 and 20 differ from the unbroken run',
  );
  // A changed --split-seed is refused, naming the field, in one line; nothing is overwritten.
  const before = weights(straight);
  const changed = eecal(['train', ...small, '--epochs', '3', '--split-seed', '7', '--out', straight, '--resume']);
  assert.equal(changed.status, 2, changed.stderr);
  assert.match(changed.stderr, /--resume: splitSeed was 42, now 7/);
  assert.equal(changed.stderr.split('\n').filter((l) => l.startsWith('eecal train')).length, 1);
  assert.ok(weights(straight).equals(before));
  fs.rmSync(base, { recursive: true, force: true });
});

test('SIGINT stops training within a batch with exit 130 and a resumable checkpoint; the lock is released', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-faults-sigint-'));
  const run = eecalAsync([
    'train',
    '--model',
    'b-lenet',
    '--dataset',
    'mnist',
    '--max-train',
    '12800',
    '--epochs',
    '30',
    '--no-track-calibration',
    '--out',
    out,
  ]);
  // Wait until it trains (the lock exists and a batch ran), then interrupt.
  const started = Date.now();
  while (!/training b-lenet/.test(run.stderr()) && Date.now() - started < 60_000)
    await new Promise((r) => setTimeout(r, 100));
  // A second train into the same folder fails at once, naming the lock and the PID.
  const second = eecal(['train', ...small, '--out', out]);
  assert.equal(second.status, 2, second.stderr);
  assert.match(
    second.stderr,
    new RegExp(`is being trained by process ${run.child.pid} \\(lock .*\\.eecal-train\\.lock\\)`),
  );
  await new Promise((r) => setTimeout(r, 1500));
  const t0 = Date.now();
  run.child.kill('SIGINT');
  const { code, stderr } = await run.done;
  assert.equal(code, 130, stderr);
  assert.ok(Date.now() - t0 < 15_000, 'stopped promptly');
  assert.match(stderr, /SIGINT: writing a checkpoint/);
  assert.ok(fs.existsSync(path.join(out, 'checkpoint', 'state.json')));
  assert.ok(!fs.existsSync(path.join(out, '.eecal-train.lock')), 'lock released');
  fs.rmSync(out, { recursive: true, force: true });
});
