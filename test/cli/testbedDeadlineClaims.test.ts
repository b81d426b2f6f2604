import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { repoRoot } from '../../src/util/repoRoot';

/** `eecal testbed compare` on the shipped B-AlexNet testbed run: the claim's CSV and its deadline option. */
const model = path.join(repoRoot(), 'models', 'b-alexnet-cifar10-branchynet');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-tb-claims-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function compare(out: string, extra: string[] = [], sink: (m: unknown) => void = () => {}): Promise<number> {
  const { error } = console;
  console.error = sink;
  try {
    return await main([
      'testbed',
      'compare',
      '--measured',
      path.join(model, 'testbed'),
      '--records',
      path.join(model, 'records', 'test.csv'),
      '--calibration',
      path.join(model, 'testbed', 'calibration-temperature.json'),
      '--out',
      out,
      '--rounds',
      '10',
      ...extra,
    ]);
  } finally {
    console.error = error;
  }
}

const readCsv = (f: string) => {
  const [head, ...rows] = fs
    .readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
};

test('deadline-claims.csv: per uplink, p_tar and times, at the model offloading latency or at --claim-deadline', async () => {
  assert.equal(await compare(path.join(dir, 'default')), 0);
  const rows = readCsv(path.join(dir, 'default', 'deadline-claims.csv'));
  assert.equal(rows.length, 3 * 2 * 2, '3 uplinks × 2 p_tar × {measured, modelled}');
  // The 3G model offloading latency (the shipped comparison's "offloaded" modelled ms is 477.9).
  const g3 = rows.filter((r) => r.uplink === '3g');
  assert.ok(
    g3.every((r) => Math.abs(Number(r.deadline_ms) - 477.9) < 0.05 && r.deadline_from === 'model-offload-latency'),
  );
  for (const r of rows) {
    // The verdict is the one its interval says.
    const lo = Number(r.delta_low);
    const hi = Number(r.delta_high);
    assert.equal(r.verdict, hi < -0.005 ? 'supported' : lo > 0 ? 'contradicted' : 'inconclusive');
    assert.equal(r.pairs, '200');
  }
  assert.equal(await compare(path.join(dir, 'set'), ['--claim-deadline', '0.25']), 0);
  const set = readCsv(path.join(dir, 'set', 'deadline-claims.csv'));
  assert.ok(set.every((r) => r.deadline_ms === '250' && r.deadline_from === 'setting'));
  assert.match(fs.readFileSync(path.join(dir, 'set', 'comparison.md'), 'utf8'), /Deadline: 250 ms \(set\)/);
});

test('a negative --claim-deadline is a usage error naming the option', async () => {
  let said = '';
  assert.equal(
    await compare(path.join(dir, 'bad'), ['--claim-deadline', '-1'], (m) => {
      said += String(m);
    }),
    2,
  );
  assert.match(said, /--claim-deadline -1: expected ≥ 0/);
  assert.ok(!fs.existsSync(path.join(dir, 'bad', 'deadline-claims.csv')));
});
