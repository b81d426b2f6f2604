import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { writeRecords } from '../../src/records/csv';
import { formatMeasuredCsv, type MeasuredRow } from '../../src/records/measuredRecords';
import type { CalibrationFile } from '../../src/calibration/calibrationFile';
import { createRng } from '../../src/util/rng';

/**
 * `eecal deadline --measured` must equal `eecal deadline --times` on exit records cut down by hand
 * to the measured samples, with a times file holding each sample's measured time in every slot.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-measured-deadline-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const rng = createRng(7);
const n = 300;
const C = 4;
const labels = Int32Array.from({ length: n }, () => rng.int(C));
const logits = [0, 1].map((e) => {
  const l = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) l[i * C + c] = rng.normal();
    l[i * C + labels[i]] += 0.5 + e + 2 * rng.next();
  }
  return l;
});
const full = path.join(dir, 'full.csv');
writeRecords(full, { numSamples: n, numClasses: C, numExits: 2, labels, logits });
const calib = path.join(dir, 'calib.json');
const calibration: CalibrationFile = {
  format: 'eecal-calibration',
  version: 1,
  method: 'temperature',
  pTar: null,
  numExits: 2,
  numClasses: C,
  exits: [1.8, 1.3].map((t, e) => ({
    exit: e + 1,
    calibrator: { kind: 'temperature', temperature: t },
  })) as CalibrationFile['exits'],
};
fs.writeFileSync(calib, JSON.stringify(calibration));

// Measured: every third sample, 8–40 ms each, different per method and p_tar.
const samples = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 1);
const grid = [0.6, 0.8];
const timeOf = (s: number, method: string, p: number) => 8 + ((s * 7 + (method === 'none' ? 0 : 5) + p * 10) % 32);
const rows: MeasuredRow[] = [];
for (const method of ['none', 'temperature'])
  for (const pTar of grid)
    for (const s of samples.slice().reverse()) {
      rows.push({
        sample: s,
        label: labels[s],
        exit: 1,
        prediction: 0,
        confidence: 0.5,
        fallback: false,
        offloaded: false,
        method,
        pTar,
        ms: { total_ms: timeOf(s, method, pTar), edge_ms: 1 },
      });
    }
const measured = path.join(dir, 'measured.csv');
fs.writeFileSync(measured, formatMeasuredCsv(rows, ['edge_ms', 'total_ms']));

async function cli(args: string[]): Promise<{
  code: number;
  json: { rows: Array<Record<string, number>>; uncalibrated?: { rows: Array<Record<string, number>> } };
  err: string;
}> {
  const out = path.join(dir, `out-${Math.random()}.json`);
  const errs: string[] = [];
  const { error } = console;
  console.error = (...a: unknown[]) => {
    errs.push(a.join(' '));
  };
  try {
    const code = await main([...args, '--json', '--out', out]);
    return { code, json: code === 0 ? JSON.parse(fs.readFileSync(out, 'utf8')) : { rows: [] }, err: errs.join('\n') };
  } finally {
    console.error = error;
  }
}

test('deadline --measured equals --times on the measured samples, uncalibrated and calibrated, each p_tar its own times', async () => {
  const common = ['--deadline', '0.01,0.02,0.025,0.05', '--batch-size', '16', '--rounds', '20', '--seed', '3'];
  const got = await cli([
    'deadline',
    '--records',
    full,
    '--calibration',
    calib,
    '--measured',
    measured,
    '--p-tar',
    grid.join(','),
    ...common,
  ]);
  assert.equal(got.code, 0, got.err);
  assert.match(got.err, /measured times \(total_ms\) of 100 samples/);
  // Reference: records of the measured samples only, written independently, one --times file per (method, p_tar).
  const subset = path.join(dir, 'subset.csv');
  writeRecords(subset, {
    numSamples: samples.length,
    numClasses: C,
    numExits: 2,
    labels: Int32Array.from(samples, (s) => labels[s]),
    logits: logits.map((l) => Float64Array.from(samples.flatMap((s) => Array.from(l.subarray(s * C, (s + 1) * C))))),
  });
  for (const [g, p] of grid.entries()) {
    for (const method of ['none', 'temperature']) {
      const times = path.join(dir, `times-${method}-${p}.csv`);
      fs.writeFileSync(
        times,
        'exit1_ms,offload1_ms\n' +
          samples.map((s) => `${timeOf(s, method, p)},${timeOf(s, method, p)}`).join('\n') +
          '\n',
      );
      const ref = await cli([
        'deadline',
        '--records',
        subset,
        '--times',
        times,
        '--p-tar',
        String(p),
        ...(method === 'none' ? [] : ['--calibration', calib]),
        ...common,
      ]);
      assert.equal(ref.code, 0, ref.err);
      const mine = (method === 'none' ? got.json.uncalibrated!.rows : got.json.rows).slice(g * 4, g * 4 + 4);
      assert.deepEqual(mine, ref.json.rows, `${method} p_tar ${p}`);
    }
  }
  // Not trivial: some deadlines are missed sometimes, others never.
  const probs = got.json.rows.map((r) => r.missedProbability);
  assert.ok(
    probs.some((x) => x > 0 && x < 1),
    probs.join(' '),
  );
});

test('deadline --measured: missing (method, p_tar) and clashing options are one-line errors', async () => {
  const r = await cli(['deadline', '--records', full, '--measured', measured, '--p-tar', '0.7']);
  assert.equal(r.code, 3);
  assert.match(r.err, /no rows for method "none" at p_tar 0\.7 \(it has none@0\.6, none@0\.8/);
  const c = await cli(['deadline', '--records', full, '--measured', measured, '--uplink', '3g']);
  assert.equal(c.code, 2);
  assert.match(c.err, /--measured replays a testbed run; it cannot be combined with --uplink/);
});
