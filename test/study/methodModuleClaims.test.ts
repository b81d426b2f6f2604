import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readModelFolder } from '../../src/records/modelFolder';
import { defaultConfig } from '../../src/study/config';
import { calibrationStudy } from '../../src/study/calibrationStudy';
import { calibrationOps } from '../../src/study/calibrationOps';
import { offloadingStudy } from '../../src/study/offloadingStudy';
import { studyClaims } from '../../src/study/analysis';
import { loadMethodModule } from '../../src/cli/methodModule';
import { repoRoot } from '../../src/util/repoRoot';

/**
 * The done-when test of user methods: a method module implementing plain per-exit temperature
 * scaling (its own Newton solver, test/fixtures/methods/per-exit-ts.mjs), refitted on every
 * bootstrap resample through the general path, reaches the same verdicts as the built-in TS per
 * exit (fast path) on the shipped records, claim by claim.
 */
test('a per-exit TS method module gets the built-in TS verdicts on the shipped records', async () => {
  const root = repoRoot(__dirname);
  const { val, test: tst } = readModelFolder(path.join(root, 'models', 'b-alexnet-cifar10-branchynet'));
  const mod = await loadMethodModule(path.join(root, 'test', 'fixtures', 'methods', 'per-exit-ts.mjs'));
  assert.equal(mod.id, 'ts-module');
  const cfg = defaultConfig();
  cfg.batches.rounds = 10;
  cfg.verdicts = { floorSimulations: 20 };
  const calibration = calibrationStudy(val, tst, calibrationOps, {
    methods: ['temperature', mod],
    pTar: cfg.calibrationPTar,
    bins: cfg.eceBins,
    exitNames: ['b1', 'b2', 'final'],
  });
  // Same fitted temperatures (to solver tolerance): the two fits agree before any resampling.
  const ts = calibration.rows.filter((r) => r.methodId === 'temperature');
  const mine = calibration.rows.filter((r) => r.methodId === 'ts-module');
  ts.forEach((r, e) =>
    assert.ok(Math.abs(r.nllAfter - mine[e].nllAfter) < 1e-9, `exit ${e + 1} NLL ${r.nllAfter} vs ${mine[e].nllAfter}`),
  );
  const offloading = offloadingStudy(tst, calibration.methods, cfg, { outage: false, deadline: false, bands: false });
  const B = 120;
  let progressed = 0;
  const claims = studyClaims(val, tst, calibration, offloading, cfg, B, ['temperature', 'ts-module'], (p) => {
    progressed = p.done;
  });
  assert.equal(progressed, B, 'the module refits on every replicate, with progress');
  const builtIn = claims.filter((c) => !c.id.includes(':'));
  const module = claims.filter((c) => c.id.endsWith(':ts-module'));
  assert.ok(builtIn.length >= 10);
  assert.deepEqual(
    module.map((c) => c.id),
    builtIn.map((c) => `${c.id}:ts-module`),
  );
  builtIn.forEach((c, i) => {
    assert.equal(module[i].verdict, c.verdict, c.id);
    c.estimates.forEach((e, j) => {
      const f = module[i].estimates[j];
      assert.equal(f.verdict, e.verdict, `${c.id} estimate ${j}`);
      assert.ok(
        Math.abs(f.estimate - e.estimate) < 1e-9 || (Number.isNaN(f.estimate) && Number.isNaN(e.estimate)),
        `${c.id} estimate ${j}: ${f.estimate} vs ${e.estimate}`,
      );
    });
  });
});
