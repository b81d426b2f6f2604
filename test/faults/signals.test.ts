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
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
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
    assert.match(
      stderr,
      new RegExp(`${signal}: eecal infer stopped; ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} not written`),
    );
    assert.doesNotMatch(stderr, /wrote /);
    if (signal === 'SIGTERM') assert.equal(fs.readFileSync(out, 'utf8'), old);
    assert.deepEqual(fs.readdirSync(dir), signal === 'SIGTERM' ? ['test.csv'] : [], 'no sidecar, no temp file');
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** Every file under `dir` with its bytes, REPORT.md files (which carry the run time) left out of the bytes. */
function snapshot(dir: string): Map<string, string> {
  return new Map(
    filesUnder(dir).map((f) => [
      f,
      path.basename(f) === 'REPORT.md' ? '' : fs.readFileSync(path.join(dir, f)).toString('base64'),
    ]),
  );
}

for (const signal of ['SIGINT', 'SIGKILL'] as const) {
  test(`reproduce: ${signal} mid-run leaves the earlier run's outputs wholly as they were`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `eecal-sig-reproduce-${signal}-`));
    const out = path.join(dir, 'out');
    // A second model (a copy under another name) is analysed after the first one's figures are
    // written: the signal sent on the first model's figures lands while the run still has seconds
    // of work left, however fast the figures themselves are.
    const second = path.join(dir, 'b-lenet-mnist-copy');
    fs.cpSync(model, second, { recursive: true, filter: (src) => path.basename(src) !== 'checkpoint' });
    // Small verdict settings: the test is about signals, not statistics (the full claims take minutes).
    const args = [
      'reproduce',
      '--model',
      model,
      '--model',
      second,
      '--no-images',
      '--no-reproduction',
      '--verdict-replicates',
      '200',
      '--claim-methods',
      'temperature',
      '--replicates',
      '50',
      '--out',
      out,
    ];
    const first = eecalAsync(args);
    assert.equal((await first.done).code, 0, first.stderr());
    const before = snapshot(out);
    assert.ok(before.size > 10, 'the first run wrote its outputs');
    // A second run with another seed changes the numbers; it is stopped after some figures were written.
    const run = eecalAsync([...args, '--seed', '7']);
    await waitFor(run.stderr, /figure ece-per-exit/, 60_000);
    const t0 = Date.now();
    run.child.kill(signal);
    const { code, stderr } = await run.done;
    assert.ok(Date.now() - t0 < 5000, 'stopped promptly');
    if (signal === 'SIGINT') {
      assert.equal(code, 130, stderr);
      assert.match(stderr, /SIGINT: eecal reproduce stopped; no output was replaced/);
    }
    const staged = fs.readdirSync(out).filter((f) => f.startsWith('.eecal-'));
    // SIGINT removes its staging folder; kill -9 cannot, and the next run clears it.
    assert.equal(staged.length, signal === 'SIGINT' ? 0 : 1, staged.join(','));
    for (const f of staged) fs.rmSync(path.join(out, f), { recursive: true });
    assert.deepEqual(snapshot(out), before, "every output is the first run's, byte for byte");
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
