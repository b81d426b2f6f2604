import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRecords } from '../../src/records/csv';
import { uncalibratedShortfalls } from '../../src/study/regimeSummary';
import { REGIME_TARGETS } from '../../src/study/regimeTargets';
import { repoRoot } from '../../src/util/repoRoot';

const root = repoRoot();
const grid = Array.from({ length: 50 }, (_, i) => Number((0.5 + 0.01 * i).toFixed(2)));

interface PyExit {
  accuracy: number;
  eceBefore: number;
  temperature: number;
  eceAfter: number;
}
interface PyPoint {
  pTar: number;
  kept: number;
  accuracy: number;
  low: number;
  high: number;
}
interface PyResult {
  exits: PyExit[];
  shortfalls: PyPoint[];
  examined: number;
}

const computed = new Map<string, PyResult>();

/** The targets recomputed by scripts/check_regime_targets.py (numpy/scipy, written from the definitions), once per model. */
function python(model: string): PyResult {
  const known = computed.get(model);
  if (known) return known;
  const r = spawnSync(
    '/usr/bin/python3',
    [path.join(root, 'scripts', 'check_regime_targets.py'), path.join(root, 'models', model)],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as PyResult;
  computed.set(model, result);
  return result;
}

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

for (const model of ['b-alexnet-cifar10-branchynet', 'b-alexnet-cifar10']) {
  test(`${model}: the committed report's per-exit accuracy, ECE and T agree with an independent numpy/scipy recomputation from the raw logits`, () => {
    const py = python(model);
    const report = JSON.parse(fs.readFileSync(path.join(root, 'docs', 'reproduction', model, 'report.json'), 'utf8'));
    const rows = (
      report.calibration as Array<{
        methodId: string;
        exit: number;
        accuracy: number;
        eceBefore: number;
        eceAfter: number;
        temperature: number;
      }>
    )
      .filter((r) => r.methodId === 'temperature')
      .sort((a, b) => a.exit - b.exit);
    assert.equal(rows.length, py.exits.length);
    rows.forEach((r, i) => {
      close(r.accuracy, py.exits[i].accuracy, 1e-12, `exit ${i + 1} accuracy`);
      close(r.eceBefore, py.exits[i].eceBefore, 1e-9, `exit ${i + 1} ECE before`);
      close(r.temperature, py.exits[i].temperature, 1e-6 * py.exits[i].temperature, `exit ${i + 1} T`);
      close(r.eceAfter, py.exits[i].eceAfter, 1e-6, `exit ${i + 1} ECE after`);
    });
    const ours = uncalibratedShortfalls(
      readRecords(path.join(root, 'models', model, 'records', 'test.csv')),
      grid,
      REGIME_TARGETS.minKept,
    );
    assert.equal(ours.examined, py.examined);
    assert.deepEqual(
      ours.points.map((p) => [p.pTar, p.kept]),
      py.shortfalls.map((p) => [p.pTar, p.kept]),
    );
    ours.points.forEach((p, i) => {
      close(p.low, py.shortfalls[i].low, 1e-12, `low at ${p.pTar}`);
      close(p.high, py.shortfalls[i].high, 1e-12, `high at ${p.pTar}`);
    });
  });
}

test('b-alexnet-cifar10-branchynet meets the paper-regime targets, judged on the independent recomputation', () => {
  const py = python('b-alexnet-cifar10-branchynet');
  const t = REGIME_TARGETS;
  assert.ok(py.exits[py.exits.length - 1].accuracy >= t.finalAccuracy, 'final-exit accuracy');
  assert.ok(py.exits[0].eceBefore >= t.eceBeforeAtLeast, 'branch-1 ECE before TS');
  assert.ok(py.exits[0].eceAfter <= t.eceAfterAtMost, 'branch-1 ECE after TS per exit');
  assert.ok(
    py.shortfalls.length > 0 && py.shortfalls.every((p) => p.kept >= t.minKept && p.high < p.pTar),
    'an uncalibrated shortfall beyond the 95 % interval',
  );
});
