import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eecalAsync, root } from './cli';

/**
 * Real signals to the real CLI (a child process running src/cli/main.ts): `infer` and `reproduce`
 * stop with 130 (SIGINT) / 143 (SIGTERM) and leave every output either absent or complete.
 */

const model = path.join(root, 'models', 'b-lenet-mnist');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until the child's stderr matches (the run reached that point), at most `ms`. */
async function waitFor(stderr: () => string, re: RegExp, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!re.test(stderr())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re}; stderr so far:\n${stderr()}`);
    await sleep(50);
  }
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`infer: ${signal} during inference exits ${code}; --out and its sidecar are untouched (absent, or the old complete file)`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `eecal-sig-infer-${signal}-`));
    const out = path.join(dir, 'test.csv');
    // SIGTERM case: an earlier, complete records file sits at --out and must survive unchanged.
    const old = 'label,exit1_logit0,exit1_logit1\n0,1,0\n';
    if (signal === 'SIGTERM') fs.writeFileSync(out, old);
    // Batch size 1: 10,000 test batches, so the signal surely lands mid-inference.
    const run = eecalAsync(['infer', '--model', model, '--split', 'test', '--out', out, '--batch-size', '1']);
    await waitFor(run.stderr, /backend: /, 30_000);
    await sleep(1500);
    const t0 = Date.now();
    run.child.kill(signal);
    const { code: status, stderr } = await run.done;
    assert.equal(status, code, stderr);
    assert.ok(Date.now() - t0 < 10_000, 'stopped promptly');
    assert.match(stderr, new RegExp(`${signal}: eecal infer stopped; ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} not written`));
    assert.doesNotMatch(stderr, /wrote /);
    if (signal === 'SIGTERM') assert.equal(fs.readFileSync(out, 'utf8'), old);
    assert.deepEqual(fs.readdirSync(dir), signal === 'SIGTERM' ? ['test.csv'] : [], 'no sidecar, no temp file');
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

test('reproduce: SIGINT mid-run exits 130; every file it left is byte-identical to the one a full run writes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-sig-reproduce-'));
  const cut = path.join(dir, 'cut');
  // Small verdict settings: the test is about signals, not statistics (the full claims take minutes).
  const args = ['reproduce', '--model', model, '--no-images', '--no-reproduction', '--verdict-replicates', '200', '--claim-methods', 'temperature', '--replicates', '50'];
  const full = path.join(dir, 'full');
  // The uninterrupted reference run goes alongside (a second core halves the wall time).
  const reference = eecalAsync([...args, '--out', full]);
  const run = eecalAsync([...args, '--out', cut]);
  // Some figures are written by then, others not yet; the signal is handled before the next figure.
  await waitFor(run.stderr, /figure ece-per-exit/, 60_000);
  const t0 = Date.now();
  run.child.kill('SIGINT');
  const { code, stderr } = await run.done;
  assert.equal(code, 130, stderr);
  assert.ok(Date.now() - t0 < 5000, 'stopped promptly');
  assert.match(stderr, /SIGINT: eecal reproduce stopped; files written so far are complete/);
  const left = filesUnder(cut);
  assert.deepEqual(left.filter((f) => path.basename(f).startsWith('.eecal-tmp')), [], 'no temp files');

  const ref = await reference.done;
  assert.equal(ref.code, 0, ref.stderr);
  const all = filesUnder(full);
  // Stopped mid-run: something was written, and not everything.
  assert.ok(left.length > 0 && left.length < all.length, `${left.length} of ${all.length} files written before the signal`);
  for (const f of left) {
    assert.ok(all.includes(f), `${f} is a file of a full run`);
    // REPORT.md carries the run time; it is the only file that differs between two full runs.
    if (f !== 'REPORT.md') assert.ok(fs.readFileSync(path.join(cut, f)).equals(fs.readFileSync(path.join(full, f))), `${f} is complete`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
