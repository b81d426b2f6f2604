import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eecal } from './cli';

// B-LeNet on MNIST (it has dropout), 8 Adam steps per epoch, on wasm: the backend --workers serves.
const small = [
  '--model',
  'b-lenet',
  '--dataset',
  'mnist',
  '--max-train',
  '64',
  '--batch-size',
  '8',
  '--seed',
  '1',
  '--no-track-calibration',
  '--epochs',
  '1',
];
const wasm = { EECAL_BACKEND: 'wasm' };
const weights = (dir: string) => {
  const b = fs.readFileSync(path.join(dir, 'checkpoint', 'weights.bin'));
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
};
const step = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint', 'state.json'), 'utf8')).globalStep;
function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test('--workers 2 stopped mid-epoch and resumed with --workers 1 ends where one thread ends (max |Δw| ≤ 1e-5)', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-workers-'));
  const straight = path.join(base, 'one');
  const r = eecal(['train', ...small, '--workers', '1', '--out', straight], wasm);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /replicas/);
  const out = path.join(base, 'two');
  const first = eecal(['train', ...small, '--workers', '2', '--out', out], { ...wasm, EECAL_STOP_AFTER_STEPS: '3' });
  assert.equal(first.status, 130, first.stderr);
  assert.match(first.stderr, /workers: 2 replicas on wasm/);
  assert.equal(step(out), 3);
  const last = eecal(['train', ...small, '--workers', '1', '--out', out, '--resume'], wasm);
  assert.equal(last.status, 0, last.stderr);
  assert.equal(step(out), 8);
  const d = maxAbsDiff(weights(out), weights(straight));
  assert.ok(d <= 1e-5, `max |Δw| = ${d}`);
  fs.rmSync(base, { recursive: true, force: true });
});

test('a replica that dies mid-run stops training with exit 3, a clear error and a checkpoint of the last completed step', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-workers-crash-'));
  // Replica 1 exits on its 3rd request, i.e. during step 3: steps 1–2 are complete.
  const r = eecal(['train', ...small, '--workers', '2', '--out', out], { ...wasm, EECAL_TEST_REPLICA_EXIT: '1:3' });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /worker replica 1 exited unexpectedly \(code 7\)/);
  assert.equal(step(out), 2);
  const resumed = eecal(['train', ...small, '--workers', '2', '--out', out, '--resume'], wasm);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /\(step 2\)/);
  fs.rmSync(out, { recursive: true, force: true });
});
