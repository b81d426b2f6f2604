import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { writeRecords } from '../../src/records/csv';
import { formatMeasuredCsv, type MeasuredRow } from '../../src/records/measuredRecords';
import { topLabelScores } from '../../src/records/scores';
import { runCascade } from '../../src/cascade/runCascade';
import { measuredOutage } from '../../src/offloading/measuredOutage';
import { createRng } from '../../src/util/rng';

/**
 * Outage of a testbed run's answers: with no fallbacks it is the simulated outage of the measured
 * samples (the answers are the cascade's), checked against `eecal outage` on records cut down by
 * hand; fallbacks count as device answers.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-measured-outage-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const rng = createRng(11);
const n = 400;
const C = 3;
const labels = Int32Array.from({ length: n }, () => rng.int(C));
const logits = [0, 1].map((e) => {
  const l = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) l[i * C + c] = rng.normal();
    l[i * C + labels[i]] += 0.3 + e + 1.5 * rng.next();
  }
  return l;
});
const samples = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0);
const sub = (l: Float64Array) => Float64Array.from(samples.flatMap((s) => Array.from(l.subarray(s * C, (s + 1) * C))));
const full = path.join(dir, 'full.csv');
const subset = path.join(dir, 'subset.csv');
writeRecords(full, { numSamples: n, numClasses: C, numExits: 2, labels, logits });
writeRecords(subset, {
  numSamples: samples.length,
  numClasses: C,
  numExits: 2,
  labels: Int32Array.from(samples, (s) => labels[s]),
  logits: logits.map(sub),
});
const grid = [0.6, 0.8];
const rows: MeasuredRow[] = grid.flatMap((pTar) => {
  const r = runCascade(
    logits.map((l) => topLabelScores(l, C)),
    { edgeExits: 1, pTar },
  );
  return samples.map((s) => ({
    sample: s,
    label: labels[s],
    exit: r.answeringExit[s] + 1,
    prediction: r.prediction[s],
    confidence: 0.5,
    fallback: false,
    offloaded: r.onDevice[s] === 0,
    method: 'none',
    pTar,
    ms: { total_ms: 1 },
  }));
});
const measured = path.join(dir, 'measured.csv');
fs.writeFileSync(measured, formatMeasuredCsv(rows, ['total_ms']));

async function outageJson(
  args: string[],
): Promise<Array<{ pTar: number; outageProbability: number; ciLow: number; ciHigh: number }>> {
  const out = path.join(dir, `o-${Math.random()}.json`);
  const { error } = console;
  console.error = () => {};
  try {
    assert.equal(await main(['outage', ...args, '--json', '--out', out]), 0);
  } finally {
    console.error = error;
  }
  return JSON.parse(fs.readFileSync(out, 'utf8')).rows;
}

test('outage --measured without fallbacks equals the simulated outage of the measured samples', async () => {
  const common = ['--p-tar', grid.join(','), '--batch-size', '16', '--rounds', '30', '--seed', '5'];
  const got = await outageJson(['--records', full, '--measured', measured, ...common]);
  const ref = await outageJson(['--records', subset, ...common]);
  assert.deepEqual(got, ref);
  assert.ok(
    got.some((r) => r.outageProbability > 0 && r.outageProbability < 1),
    JSON.stringify(got),
  );
});

test('measured outage: fallbacks are device answers (all wrong → every batch in outage)', () => {
  const off = rows.filter((r) => r.pTar === 0.8 && r.offloaded);
  assert.ok(off.length > 0);
  const planted = rows
    .filter((r) => r.pTar === 0.8)
    .map((r) => ({ ...r, offloaded: true, fallback: true, prediction: (r.label + 1) % C }));
  const r = measuredOutage(planted, 'none', 0.8, { batchSize: 20, rounds: 5, seed: 0 });
  assert.deepEqual([r.outageProbability, r.fallbacks, r.samples], [1, samples.length, samples.length]);
  // All offloaded to a cloud that answered: no device answers, no outage.
  const cloud = planted.map((x) => ({ ...x, fallback: false }));
  assert.equal(measuredOutage(cloud, 'none', 0.8, { batchSize: 20, rounds: 5, seed: 0 }).outageProbability, 0);
});
