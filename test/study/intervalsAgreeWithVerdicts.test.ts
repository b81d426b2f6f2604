import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readModelFolder } from '../../src/records/modelFolder';
import { defaultConfig } from '../../src/study/config';
import { calibrationStudy } from '../../src/study/calibrationStudy';
import { calibrationOps } from '../../src/study/calibrationOps';
import { offloadingStudy } from '../../src/study/offloadingStudy';
import { studyClaims } from '../../src/study/analysis';
import { parseClaimId } from '../../src/study/claimId';
import { intervalVerdict, type Direction } from '../../src/study/stats/deltaVerdict';
import { findingText } from '../../src/report/claimText';
import type { Claim } from '../../src/study/offloadingClaims';
import { repoRoot } from '../../src/util/repoRoot';

/** The direction each judged claim topic asserts (the calibrated-tracks bands are not judged per point). */
const DIRECTION: Readonly<Record<string, Direction>> = {
  'uncalibrated-below-target': 'lower',
  'offloading-probability': 'higher',
  outage: 'lower',
  'missed-deadline': 'lower',
  'second-side-branch': 'lower',
};

/**
 * The reader's check, done for every claim: each judged point's verdict is the verdict its
 * displayed interval shows under the printed rule, and the claim's verdict follows from its points.
 */
function checkClaims(model: string, claims: readonly Claim[], minEffect: number, alpha: number): number {
  let judged = 0;
  for (const c of claims) {
    const id = parseClaimId(c.id);
    assert.ok(id, `${c.id}: not a claim id`);
    const { topic } = id;
    if (topic === 'calibrated-tracks-target') {
      const f = c.facts;
      assert.ok(f && f.topic === 'calibrated-tracks-target');
      assert.ok(
        Math.abs(f.level - (1 - alpha / 2)) < 1e-12 && Math.abs(f.jointLevel - (1 - alpha)) < 1e-12,
        `${model} ${c.id}: band levels ${f.level}, ${f.jointLevel}`,
      );
      assert.match(
        findingText(c),
        /Simultaneous 97\.5% bands .* both hold together with probability ≥ 95% \(Bonferroni\)/,
      );
      continue;
    }
    const points = c.estimates.filter((e) => e.verdict !== null);
    assert.ok(points.length > 0, `${model} ${c.id}: no judged point`);
    for (const e of points) {
      if (e.low === null || e.high === null) {
        assert.equal(e.verdict, 'inconclusive', `${model} ${c.id} at ${e.at}: no interval, yet ${e.verdict}`);
        continue;
      }
      judged++;
      assert.equal(
        intervalVerdict(e.low, e.high, DIRECTION[topic], minEffect),
        e.verdict,
        `${model} ${c.id} at ${e.at}: [${e.low}, ${e.high}] at ${e.level} reads otherwise than ${e.verdict}`,
      );
      assert.ok(e.level >= 1 - alpha - 1e-12 && e.level <= 1 - alpha / 3 + 1e-12, `${model} ${c.id}: level ${e.level}`);
    }
    const vs = points.map((e) => e.verdict);
    if (topic === 'second-side-branch') continue; // two families; its verdict is their agreement
    const expected =
      topic === 'uncalibrated-below-target'
        ? vs.includes('supported')
          ? 'supported'
          : vs.every((v) => v === 'contradicted')
            ? 'contradicted'
            : 'inconclusive'
        : vs.includes('supported') && !vs.includes('contradicted')
          ? 'supported'
          : vs.includes('contradicted') && !vs.includes('supported')
            ? 'contradicted'
            : 'inconclusive';
    assert.equal(c.verdict, expected, `${model} ${c.id}: points ${vs.join(', ')}`);
  }
  return judged;
}

for (const model of ['b-alexnet-cifar10', 'b-alexnet-cifar10-branchynet']) {
  test(`every displayed interval agrees with its verdict: shipped ${model}, four TS variants, B = 200`, () => {
    const root = repoRoot(__dirname);
    const { val, test: tst } = readModelFolder(path.join(root, 'models', model));
    const cfg = defaultConfig();
    cfg.batches.rounds = 10;
    cfg.verdicts = { floorSimulations: 20 };
    const calibration = calibrationStudy(val, tst, calibrationOps, {
      methods: ['temperature', 'per-branch', 'global', 'torch-lbfgs'],
      pTar: cfg.calibrationPTar,
      bins: cfg.eceBins,
      exitNames: ['b1', 'b2', 'final'],
    });
    const offloading = offloadingStudy(tst, calibration.methods, cfg, { outage: false, deadline: false, bands: false });
    const claims = studyClaims(val, tst, calibration, offloading, cfg, 200);
    assert.ok(claims.length >= 40, `${claims.length} claims`);
    const judged = checkClaims(model, claims, 0.005, 0.05);
    assert.ok(judged >= 100, `${judged} judged points`);
  });
}
