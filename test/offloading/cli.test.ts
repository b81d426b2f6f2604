import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { readRecords, recordsHeader, writeRecords } from '../../src/records/csv';
import { scoreRecords } from '../../src/calibration/applyCalibration';
import type { CalibrationFile } from '../../src/calibration/calibrationFile';
import { keysFromScores } from '../../src/cascade/cascadeKeys';
import { sweepThresholds } from '../../src/offloading/thresholdSweep';
import { deviceMacsFromSidecar } from '../../src/offloading/deviceCost';
import { createRng } from '../../src/util/rng';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-offloading-cli-'));
const recordsPath = path.join(dir, 'test.csv');
const calibPath = path.join(dir, 'calib.json');
{
  const rng = createRng(1);
  const n = 300;
  const C = 4;
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const logits = [0, 1, 2].map((e) => {
    const l = new Float64Array(n * C);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < C; k++) l[i * C + k] = rng.normal();
      l[i * C + labels[i]] += 0.5 + e + 2 * rng.next();
    }
    return l;
  });
  const cost = (name: string, macs: number, trunkMacs: number, bytes: number | null, ms: number) => ({
    name,
    params: 1,
    macs,
    trunkMacs,
    splitTensorShape: bytes ? [bytes / 4] : null,
    splitTensorBytes: bytes,
    inferenceMsPerSample: ms,
  });
  writeRecords(recordsPath, {
    numSamples: n,
    numClasses: C,
    numExits: 3,
    labels,
    logits,
    meta: {
      format: 'eecal-exit-records',
      version: 1,
      numClasses: C,
      exitNames: ['b1', 'b2', 'final'],
      exits: [cost('b1', 3e6, 2e6, 4000, 3), cost('b2', 5e6, 4e6, 2000, 5), cost('final', 1e7, 1e7, null, 10)],
    },
  });
  const calib: CalibrationFile = {
    format: 'eecal-calibration',
    version: 1,
    method: 'temperature',
    pTar: null,
    numExits: 3,
    numClasses: C,
    exits: [1.7, 1.4, 1.2].map((t, e) => ({ exit: e + 1, calibrator: { kind: 'temperature', temperature: t } })),
  };
  fs.writeFileSync(calibPath, JSON.stringify(calib));
}

after(() => fs.rmSync(dir, { recursive: true, force: true }));

let runs = 0;
/** Run the CLI in-process; output through --out, stderr captured. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = path.join(dir, `out-${runs++}.txt`);
  const withOut = args.includes('--help') ? args : [...args, '--out', out];
  const errs: string[] = [];
  const { error, log } = console;
  console.error = (...a: unknown[]) => {
    errs.push(a.join(' '));
  };
  console.log = (...a: unknown[]) => {
    errs.push(a.join(' '));
  };
  try {
    const code = await main(withOut);
    return { code, out: fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '', err: errs.join('\n') };
  } finally {
    console.error = error;
    console.log = log;
  }
}

test('eecal sweep --json: the contract fields, equal to the library, calibrated and uncalibrated', async () => {
  const r = await cli([
    'sweep',
    '--records',
    recordsPath,
    '--calibration',
    calibPath,
    '--edge-exits',
    '2',
    '--p-tar',
    '0.5:1:0.05',
    '--json',
  ]);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out);
  const records = readRecords(recordsPath);
  const calib = JSON.parse(fs.readFileSync(calibPath, 'utf8')) as CalibrationFile;
  const grid = Array.from({ length: 11 }, (_, i) => Number((0.5 + i * 0.05).toPrecision(12)));
  const opts = { edgeExits: 2, deviceMacs: deviceMacsFromSidecar(records.meta, 3, 2) };
  assert.deepEqual(
    json.rows,
    sweepThresholds(keysFromScores(scoreRecords(records, calib), records.labels), grid, opts),
  );
  assert.deepEqual(
    json.uncalibrated.rows,
    sweepThresholds(keysFromScores(scoreRecords(records), records.labels), grid, opts),
  );
  assert.deepEqual(Object.keys(json.rows[0]).slice(0, 5), [
    'pTar',
    'offloadProbability',
    'onDeviceAccuracy',
    'overallAccuracy',
    'exitFractions',
  ]);
  assert.equal(json.rows[0].exitFractions.length, 3);
  // Temperatures > 1 lower the confidences, so calibration offloads at least as much.
  json.rows.forEach((row: { offloadProbability: number }, g: number) =>
    assert.ok(row.offloadProbability >= json.uncalibrated.rows[g].offloadProbability),
  );
});

test('eecal sweep: CSV and table output, bootstrap bands, entropy policy', async () => {
  const csv = await cli([
    'sweep',
    '--records',
    recordsPath,
    '--p-tar',
    '0.6,0.8',
    '--csv',
    '--bootstrap',
    '20',
    '--seed',
    '3',
  ]);
  assert.equal(csv.code, 0, csv.err);
  const lines = csv.out.trim().split('\n');
  assert.equal(
    lines[0],
    'pTar,offloadProbability,offloadProbability_low,offloadProbability_high,onDeviceAccuracy,onDeviceAccuracy_low,onDeviceAccuracy_high,overallAccuracy,overallAccuracy_low,overallAccuracy_high,exitFraction1,exitFractionOffloaded,expectedDeviceMacs',
  );
  assert.equal(lines.length, 3);
  const table = await cli(['sweep', '--records', recordsPath, '--p-tar', '0.6,0.8']);
  assert.match(table.out, /^ p_tar\s+P_off\s+acc_device\s+acc_overall\s+exit1\s+offloaded\s+device_MACs\n/);
  const ent = await cli(['sweep', '--records', recordsPath, '--policy', 'entropy', '--threshold', '0:1:0.5', '--json']);
  assert.equal(ent.code, 0, ent.err);
  assert.deepEqual(
    JSON.parse(ent.out).rows.map((x: { entropyThreshold: number }) => x.entropyThreshold),
    [0, 0.5, 1],
  );
  assert.equal(JSON.parse(ent.out).rows[0].offloadProbability, 1); // H < 0 never holds
});

test('eecal outage / deadline / partition --json: reproducible, documented fields', async () => {
  const args = [
    'outage',
    '--records',
    recordsPath,
    '--edge-exits',
    '2',
    '--p-tar',
    '0.6,0.8',
    '--batch-size',
    '32',
    '--rounds',
    '10',
    '--seed',
    '4',
    '--json',
  ];
  const a = await cli(args);
  const b = await cli(args);
  assert.equal(a.code, 0, a.err);
  assert.equal(a.out, b.out);
  assert.deepEqual(Object.keys(JSON.parse(a.out).rows[0]), ['pTar', 'outageProbability', 'ciLow', 'ciHigh']);
  const d = await cli([
    'deadline',
    '--records',
    recordsPath,
    '--calibration',
    calibPath,
    '--deadline',
    '0:0.1:0.05',
    '--uplink',
    '3g',
    '--rounds',
    '5',
    '--json',
  ]);
  assert.equal(d.code, 0, d.err);
  const dj = JSON.parse(d.out);
  assert.deepEqual(
    dj.rows.map((r: { tTar: number; deadlineMs: number }) => [r.tTar, r.deadlineMs]),
    [
      [0, 0],
      [0.05, 50],
      [0.1, 100],
    ],
  );
  assert.equal(dj.rows[0].missedProbability, 1); // no batch finishes in 0 s
  assert.equal(dj.uncalibrated.rows.length, 3);
  // Offloaded: device 3 ms + 4000 B at 1.1 Mbit/s + (10 − 2)/10 ms of cloud (measured times split by MACs).
  assert.ok(Math.abs(dj.latency.offloadMs - (3 + 32000 / 1100 + 0.8)) < 1e-9);
  // Replayed per-sample times: 10 ms on the device, 30 ms offloaded → no batch mean exceeds 30 ms.
  const timesPath = path.join(dir, 'times.csv');
  fs.writeFileSync(timesPath, 'exit1_ms,offload1_ms\n' + '10,30\n'.repeat(300));
  const rt = await cli([
    'deadline',
    '--records',
    recordsPath,
    '--times',
    timesPath,
    '--p-tar',
    '0',
    '--deadline',
    '0.005,0.03',
    '--rounds',
    '3',
    '--json',
  ]);
  assert.equal(rt.code, 0, rt.err);
  assert.deepEqual(
    JSON.parse(rt.out).rows.map((r: { missedProbability: number }) => r.missedProbability),
    [1, 0],
  );
  const clash = await cli(['deadline', '--records', recordsPath, '--times', timesPath, '--uplink', '3g']);
  assert.equal(clash.code, 2);
  assert.match(clash.err, /--times replays measured times; it cannot be combined with --uplink/);
  const p = await cli(['partition', '--records', recordsPath, '--uplink', '3g,wifi', '--p-tar', '0.8', '--json']);
  assert.equal(p.code, 0, p.err);
  const rows = JSON.parse(p.out).rows as Array<{ uplinkMbps: number; best: boolean }>;
  assert.deepEqual(
    rows.map((r) => r.uplinkMbps),
    [1.1, 1.1, 18.8, 18.8],
  );
  assert.equal(rows.filter((r) => r.best).length, 2);
  assert.equal((await cli(['partition', '--help'])).code, 0);
});

test('bad input gives a clear error and the documented exit code', async () => {
  const empty = path.join(dir, 'empty.csv');
  fs.writeFileSync(empty, recordsHeader(3, 4).join(',') + '\n');
  const wrongCalib = path.join(dir, 'calib2.json');
  fs.writeFileSync(
    wrongCalib,
    JSON.stringify({
      format: 'eecal-calibration',
      version: 1,
      method: 'temperature',
      pTar: null,
      numExits: 2,
      numClasses: 4,
      exits: [1, 2].map((e) => ({ exit: e, calibrator: { kind: 'identity' } })),
    }),
  );
  const cases: Array<[string[], number, RegExp]> = [
    [['sweep', '--records', recordsPath, '--p-tar', '0.5:1.2:0.1'], 2, /p_tar = 1\.1: expected a number in \[0, 1\]/],
    [['sweep', '--records', recordsPath, '--p-tar', '0.5:1'], 2, /--p-tar "0\.5:1": expected start:stop:step/],
    [
      ['sweep', '--records', recordsPath, '--edge-exits', '3'],
      2,
      /--edge-exits 3: the records have 3 exits, so at most 2/,
    ],
    [['sweep', '--records', empty], 3, /header only, no sample rows/],
    [
      ['sweep', '--records', recordsPath, '--calibration', wrongCalib],
      3,
      /calibration is for 2 exits, but the records have 3/,
    ],
    [['sweep', '--records', recordsPath, '--json', '--csv'], 2, /exclusive/],
    [['sweep', '--records', recordsPath, '--fallback', 'best'], 2, /--fallback "best"/],
    [['sweep', '--p-tar', '0.5'], 2, /--records is required/],
    [
      ['deadline', '--records', recordsPath, '--uplink=-3'],
      2,
      /uplink rate -3 Mbit\/s: expected a finite bandwidth > 0/,
    ],
    [['partition', '--records', recordsPath, '--uplink', '4g,-1'], 2, /negative or zero bandwidth/],
    [['outage', '--records', recordsPath, '--rounds', '0'], 2, /--rounds 0: expected ≥ 1/],
    [['outage', '--records', recordsPath, '--bogus'], 2, /Unknown option '--bogus'/],
  ];
  for (const [args, code, msg] of cases) {
    const r = await cli(args);
    assert.equal(r.code, code, `${args.join(' ')} → ${r.err}`);
    assert.match(r.err, msg, args.join(' '));
  }
});
