import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type Command } from '../../src/cli/main';
import { calibrateCommand } from '../../src/cli/commands/calibrate';
import { metricsCommand } from '../../src/cli/commands/metrics';
import { writeRecords, recordsHeader } from '../../src/records/csv';
import { calibratorsOf, fitTemperatureExact, readCalibrationFile } from '../../src/calibration';
import { exitMetrics } from '../../src/metrics';
import { createRng } from '../../src/util/rng';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-calibration-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const val = path.join(dir, 'val.csv');
const n = 240;
const C = 3;
const rng = createRng(11);
const labels = Int32Array.from({ length: n }, () => rng.int(C));
const logits = [0, 1, 2].map((e) => {
  const l = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < C; k++) l[i * C + k] = 2 * rng.normal();
    l[i * C + labels[i]] += 1 + e + 2 * rng.next();
  }
  return l;
});
writeRecords(val, { numSamples: n, numClasses: C, numExits: 3, labels, logits });
const records = {
  numSamples: n,
  numClasses: C,
  numExits: 3,
  labels,
  logits: logits.map((l) => Float64Array.from(l, (v) => Number(formatLike(v)))),
};

/** The CSV stores 9 significant digits; compare the library on what the CLI reads. */
function formatLike(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(9);
}

const COMMANDS: Record<string, Command> = { calibrate: calibrateCommand, metrics: metricsCommand };

/**
 * Run a command in-process, capturing stdout and stderr. The commands do all their work
 * synchronously inside \`run\`, so stdout is patched only for that synchronous call and the test
 * runner's own output (also on stdout) is never swallowed.
 */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  const write = process.stdout.write;
  console.log = (...a: unknown[]) => void out.push(a.join(' ') + '\n');
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  let pending: Promise<number>;
  try {
    pending = COMMANDS[args[0]].run(args.slice(1));
  } catch (e) {
    pending = Promise.reject(e);
  } finally {
    process.stdout.write = write;
  }
  try {
    return { code: await pending, out: out.join(''), err: err.join('\n') };
  } catch {
    // Errors take main()'s path (exit codes 2/3 and the message on stderr); console stays patched.
    return { code: await main(args), out: out.join(''), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('eecal calibrate --method temperature --json --out: contract fields, exact temperatures, a loadable file', async () => {
  const out = path.join(dir, 'calib.json');
  const r = await cli(['calibrate', '--records', val, '--method', 'temperature', '--json', '--out', out]);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out);
  assert.equal(json.method, 'temperature');
  assert.equal(json.exits.length, 3);
  json.exits.forEach((x: Record<string, number>, e: number) => {
    for (const k of [
      'exit',
      'temperature',
      'nllBefore',
      'nllAfter',
      'eceBefore',
      'eceAfter',
      'accuracyBefore',
      'accuracyAfter',
    ])
      assert.equal(typeof x[k], 'number', k);
    assert.equal(x.exit, e + 1);
    assert.equal(x.temperature, fitTemperatureExact(records.logits[e], labels, C).temperature);
    assert.ok(x.nllAfter <= x.nllBefore);
  });
  const file = readCalibrationFile(out);
  assert.deepEqual(
    file.exits.map((x) => x.calibrator),
    json.exits.map((x: { calibrator: unknown }) => x.calibrator),
  );
  const table = await cli(['calibrate', '--records', val, '--method', 'isotonic']);
  assert.equal(table.code, 0);
  assert.match(table.out, /exit\s+fit n\s+parameters\s+NLL before\s+NLL after\s+ECE before\s+ECE after/);
});

test('eecal calibrate per-branch / global / torch-lbfgs / offloading', async () => {
  const pb = JSON.parse(
    (await cli(['calibrate', '--records', val, '--method', 'per-branch', '--p-tar', '0.8', '--json'])).out,
  );
  assert.equal(pb.pTar, 0.8);
  assert.equal(
    pb.exits.reduce((s: number, x: { fitSamples: number }) => s + x.fitSamples, 0),
    n,
  );
  const gl = JSON.parse(
    (await cli(['calibrate', '--records', val, '--method', 'global', '--p-tar', '0.8', '--json'])).out,
  );
  assert.equal(new Set(gl.exits.map((x: { temperature: number }) => x.temperature)).size, 1);
  const torch = JSON.parse(
    (await cli(['calibrate', '--records', val, '--method', 'temperature', '--optimizer', 'torch-lbfgs', '--json'])).out,
  );
  assert.equal(torch.exits[0].iterations, 50);
  const off = await cli([
    'calibrate',
    '--records',
    val,
    '--method',
    'offloading',
    '--p-tar',
    '0.8',
    '--beta',
    '10',
    '--device-ms',
    '1,2',
    '--cloud-ms',
    '5',
    '--json',
  ]);
  assert.equal(off.code, 0, off.err);
  const o = JSON.parse(off.out).offloading;
  assert.ok(o.objective <= o.uncalibrated.objective);
});

test("eecal metrics --calibration --json: the library's numbers on the calibrated probabilities, CIs on request", async () => {
  const out = path.join(dir, 'calib-metrics.json');
  assert.equal((await cli(['calibrate', '--records', val, '--method', 'platt', '--out', out])).code, 0);
  const r = await cli([
    'metrics',
    '--records',
    val,
    '--calibration',
    out,
    '--json',
    '--bootstrap',
    '20',
    '--seed',
    '4',
  ]);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out);
  const cals = calibratorsOf(readCalibrationFile(out));
  json.exits.forEach((x: Record<string, unknown>, e: number) => {
    for (const k of ['exit', 'accuracy', 'nll', 'brier', 'ece', 'mce', 'adaptiveEce', 'classwiseEce'])
      assert.equal(typeof x[k], 'number', k);
    const m = exitMetrics(cals[e].probabilities(records.logits[e]), labels, C);
    for (const [k, v] of Object.entries(m)) assert.equal(x[k], v, k);
    assert.equal((x.reliability as unknown[]).length, 15);
    const ci = x.ci as Record<string, [number, number]>;
    assert.ok(ci.ece[0] <= ci.ece[1]);
  });
  const plain = await cli(['metrics', '--records', val, '--bins', '10']);
  assert.match(plain.out, /uncalibrated .* 10 bins/);
  assert.match(plain.out, /exit\s+acc\s+NLL\s+Brier\s+ECE/);
});

test('usage errors exit 2, bad records exit 3, each with a message naming the problem', async () => {
  const bad = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const header = recordsHeader(2, 2).join(',');
  const cases: Array<[string[], number, RegExp]> = [
    [
      ['calibrate', '--records', val, '--method', 'dirichlet'],
      2,
      /--method "dirichlet": expected one of temperature, per-branch/,
    ],
    [['calibrate', '--records', val], 2, /--method is required/],
    [['calibrate', '--records', val, '--method', 'per-branch'], 2, /--method per-branch needs --p-tar/],
    [
      ['calibrate', '--records', val, '--method', 'vector', '--p-tar', '0.8'],
      2,
      /--p-tar does not apply to --method vector/,
    ],
    [
      ['calibrate', '--records', val, '--method', 'offloading', '--p-tar', '0.8', '--beta', '1'],
      2,
      /--device-ms is required/,
    ],
    [['metrics', '--records', val, '--bootstrap', '1'], 2, /--bootstrap 1/],
    [
      ['calibrate', '--method', 'temperature', '--records', bad('nan.csv', `${header}\n0,1,NaN,0,0\n`)],
      3,
      /line 2, column exit1_logit1: "NaN" is not a finite number/,
    ],
    [
      ['calibrate', '--method', 'temperature', '--records', bad('inf.csv', `${header}\n0,1,Infinity,0,0\n`)],
      3,
      /"Infinity" is not a finite number/,
    ],
    [
      ['calibrate', '--method', 'temperature', '--records', bad('label.csv', `${header}\n5,1,0,0,0\n`)],
      3,
      /label "5" is not an integer in \[0, 1\]/,
    ],
    [
      ['calibrate', '--method', 'temperature', '--records', bad('ragged.csv', `${header}\n0,1,0,0\n`)],
      3,
      /line 2 has 4 fields, expected 5 \(ragged row\)/,
    ],
    [['calibrate', '--method', 'temperature', '--records', bad('empty.csv', '')], 3, /file is empty/],
    [
      [
        'metrics',
        '--records',
        bad('two.csv', `${header}\n0,1,0,0,1\n1,0,1,1,0\n`),
        '--calibration',
        path.join(dir, 'calib.json'),
      ],
      3,
      /calibration is for 3 exits × 3 classes, but the records have 2 × 2/,
    ],
  ];
  for (const [args, code, re] of cases) {
    const r = await cli(args);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re, args.join(' '));
  }
});

test('every correct prediction: calibrate bounds T and warns instead of failing', async () => {
  const p = path.join(dir, 'perfect.csv');
  const h = recordsHeader(2, 2).join(',');
  fs.writeFileSync(p, `${h}\n0,2,0,3,0\n1,0,1,0,2\n0,1,0,1,0\n`);
  const r = await cli(['calibrate', '--records', p, '--method', 'temperature', '--json']);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out);
  assert.equal(json.exits[0].temperature, 0.01);
  assert.match(r.err, /exit 1: temperature: no finite optimum \(every fitting prediction is correct/);
});
