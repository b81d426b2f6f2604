import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REGIME_TARGETS, regimeTargetChecks } from '../../src/study/regimeTargets';
import type { RegimeSummary } from '../../src/study/regimeSummary';

/** A two-exit model summary with hand-set numbers (regime and claims do not enter the checks). */
function summary(o: {
  finalAccuracy: number;
  eceBefore: number;
  eceAfter: number;
  shortfalls: RegimeSummary['shortfalls'];
}): RegimeSummary {
  return {
    name: 'm',
    regime: {
      recipe: null,
      augment: null,
      lrSchedule: null,
      keep: 'last',
      epochsDone: 1,
      epochsDeclared: 1,
      weightsEpoch: 1,
      adamUpdates: null,
    },
    exits: [
      {
        name: 'branch1',
        accuracy: 0.6,
        eceBefore: o.eceBefore,
        eceAfter: o.eceAfter,
        temperature: 1.5,
        entropyBelow1e4: 0,
        entropyBelow005: 0,
      },
      {
        name: 'final',
        accuracy: o.finalAccuracy,
        eceBefore: 0.2,
        eceAfter: 0.2,
        temperature: 1.5,
        entropyBelow1e4: 0,
        entropyBelow005: 0,
      },
    ],
    shortfalls: o.shortfalls,
    examined: 40,
    claims: [],
  };
}

const point = (pTar: number, accuracy: number) => ({
  pTar,
  kept: 500,
  accuracy,
  low: accuracy - 0.02,
  high: accuracy + 0.02,
});

test('regime targets: thresholds are inclusive (≥ 70 %, ECE ≥ 8 % before, ≤ 3 % after) and judge the right exits', () => {
  const checks = regimeTargetChecks(
    summary({ finalAccuracy: 0.7, eceBefore: 0.08, eceAfter: 0.03, shortfalls: [point(0.9, 0.85)] }),
  );
  assert.deepEqual(
    checks.map((c) => [c.id, c.exit, c.threshold, c.value, c.met]),
    [
      ['final-accuracy', 'final', 0.7, 0.7, true],
      ['ece-before', 'branch1', 0.08, 0.08, true],
      ['ece-after', 'branch1', 0.03, 0.03, true],
      ['uncalibrated-shortfall', 'branch1', REGIME_TARGETS.minKept, 1, true],
    ],
  );
});

test('regime targets: each check fails on its own when its number is just past the threshold', () => {
  const met = (o: Partial<Parameters<typeof summary>[0]>) =>
    regimeTargetChecks(
      summary({ finalAccuracy: 0.75, eceBefore: 0.1, eceAfter: 0.01, shortfalls: [point(0.9, 0.85)], ...o }),
    ).map((c) => c.met);
  assert.deepEqual(met({}), [true, true, true, true]);
  assert.deepEqual(met({ finalAccuracy: 0.6999 }), [false, true, true, true]);
  assert.deepEqual(met({ eceBefore: 0.0799 }), [true, false, true, true]);
  assert.deepEqual(met({ eceAfter: 0.0301 }), [true, true, false, true]);
  assert.deepEqual(met({ shortfalls: [] }), [true, true, true, false]);
});

test('regime targets: the shortfall check reports the point furthest below p_tar and the points examined', () => {
  const [, , , s] = regimeTargetChecks(
    summary({
      finalAccuracy: 0.75,
      eceBefore: 0.1,
      eceAfter: 0.01,
      shortfalls: [point(0.8, 0.77), point(0.95, 0.88), point(0.9, 0.85)],
    }),
  );
  assert.equal(s.value, 3);
  assert.equal(s.examined, 40);
  assert.equal(s.worst?.pTar, 0.95); // 7 points below, against 3 and 5
});

test('regime targets: another set of thresholds is judged by the same rules', () => {
  const checks = regimeTargetChecks(summary({ finalAccuracy: 0.75, eceBefore: 0.1, eceAfter: 0.01, shortfalls: [] }), {
    ...REGIME_TARGETS,
    finalAccuracy: 0.8,
  });
  assert.deepEqual(
    checks.map((c) => c.met),
    [false, true, true, false],
  );
});
