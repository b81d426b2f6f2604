import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeRecords } from '../../src/records/csv';
import { readRecords } from '../../src/records/csv';
import { fitTemperatureExact } from '../../src/calibration/temperatureFit';
import { nllFromLogits } from '../../src/metrics/nll';
import { createRng } from '../../src/util/rng';

const root = path.resolve(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-method-module-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const val = path.join(dir, 'val.csv');
const n = 300;
const C = 4;
const rng = createRng(3);
const labels = Int32Array.from({ length: n }, () => rng.int(C));
const logits = [0, 1].map((e) =>
  Float64Array.from({ length: n * C }, (_, j) => 3 * rng.normal() + (j % C === labels[Math.floor(j / C)] ? 2 + e : 0)),
);
writeRecords(val, { numSamples: n, numClasses: C, numExits: 2, labels, logits });
const moduleFile = path.join(root, 'test', 'fixtures', 'methods', 'per-exit-ts.mjs');

/** The real CLI in a child process (an ES module is loaded by a real dynamic import there). */
function eecal(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'faults', 'runCli.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('eecal calibrate --method-module: fitted per exit (here TS: the exact NLL optimum), no calibration file', () => {
  const r = eecal(['calibrate', '--records', val, '--method-module', moduleFile, '--json']);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out);
  assert.equal(json.method, 'ts-module');
  const read = readRecords(val);
  json.exits.forEach((x: { exit: number; calibrator: { kind: string }; nllAfter: number }, e: number) => {
    assert.deepEqual(x.calibrator, { kind: 'function' });
    const T = fitTemperatureExact(read.logits[e], read.labels, C).temperature;
    assert.ok(Math.abs(x.nllAfter - nllFromLogits(read.logits[e], read.labels, C, T)) < 1e-9, `exit ${e + 1}`);
  });
});

test('method-module errors are one line naming the option, exit code 2', () => {
  const out = eecal(['calibrate', '--records', val, '--method-module', moduleFile, '--out', path.join(dir, 'c.json')]);
  assert.equal(out.code, 2);
  assert.equal(
    out.err.trim(),
    'eecal calibrate: --out: method "ts-module" (--method-module) calibrates with a function, which cannot be written to a calibration file',
  );
  const bad = path.join(dir, 'bad.mjs');
  fs.writeFileSync(bad, 'export default { id: "x y", label: "X", fit() {} };\n');
  const r = eecal(['calibrate', '--records', val, '--method-module', bad]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--method-module .*bad\.mjs: "id" must be a string of letters/);
  const missing = eecal(['calibrate', '--records', val, '--method-module', path.join(dir, 'none.mjs')]);
  assert.equal(missing.code, 2);
  assert.match(
    missing.err,
    /none\.mjs: file not found \(expected an ES module whose default export is \{ id, label, fit/,
  );
  const builtIn = path.join(dir, 'builtin.mjs');
  fs.writeFileSync(builtIn, 'export default { id: "temperature", label: "T", fit: () => (z) => z };\n');
  assert.match(
    eecal(['calibrate', '--records', val, '--method-module', builtIn]).err,
    /id "temperature" is a built-in method's/,
  );
});

test('eecal metrics and sweep --method-module --fit-records: the same numbers as the built-in TS calibration file', () => {
  const testFile = path.join(dir, 'test.csv');
  const r2 = createRng(4);
  const y2 = Int32Array.from({ length: n }, () => r2.int(C));
  writeRecords(testFile, {
    numSamples: n,
    numClasses: C,
    numExits: 2,
    labels: y2,
    logits: [0, 1].map((e) =>
      Float64Array.from({ length: n * C }, (_, j) => 3 * r2.normal() + (j % C === y2[Math.floor(j / C)] ? 2 + e : 0)),
    ),
  });
  const calib = path.join(dir, 'ts.json');
  assert.equal(eecal(['calibrate', '--records', val, '--method', 'temperature', '--out', calib]).code, 0);
  const viaFile = JSON.parse(eecal(['metrics', '--records', testFile, '--calibration', calib, '--json']).out);
  const viaModule = eecal([
    'metrics',
    '--records',
    testFile,
    '--method-module',
    moduleFile,
    '--fit-records',
    val,
    '--json',
  ]);
  assert.equal(viaModule.code, 0, viaModule.err);
  const m = JSON.parse(viaModule.out);
  m.exits.forEach((x: Record<string, number>, e: number) => {
    for (const k of ['accuracy', 'nll', 'ece', 'brier'])
      assert.ok(Math.abs(x[k] - viaFile.exits[e][k]) < 1e-9, `exit ${e + 1} ${k}: ${x[k]} vs ${viaFile.exits[e][k]}`);
  });
  const sweepFile = JSON.parse(
    eecal(['sweep', '--records', testFile, '--calibration', calib, '--p-tar', '0.5:0.9:0.1', '--json']).out,
  );
  const sweepModule = JSON.parse(
    eecal([
      'sweep',
      '--records',
      testFile,
      '--method-module',
      moduleFile,
      '--fit-records',
      val,
      '--p-tar',
      '0.5:0.9:0.1',
      '--json',
    ]).out,
  );
  assert.deepEqual(
    sweepModule.rows.map((r: { offloadProbability: number }) => r.offloadProbability),
    sweepFile.rows.map((r: { offloadProbability: number }) => r.offloadProbability),
  );
  assert.match(
    eecal(['metrics', '--records', testFile, '--method-module', moduleFile]).err,
    /--method-module .* needs --fit-records val\.csv/,
  );
  assert.match(
    eecal(['sweep', '--records', testFile, '--method-module', moduleFile, '--fit-records', val, '--calibration', calib])
      .err,
    /--calibration and --method-module: give one of them/,
  );
});
