import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatClaimId, parseClaimId } from '../../src/study/claimId';
import { decidingEstimate, verdictTable } from '../../src/report/verdictTable';
import type { Claim } from '../../src/study/offloadingClaims';
import type { DeltaEstimate } from '../../src/study/stats/deltaVerdict';

test('claim ids: structured { k, topic, method } and back', () => {
  assert.deepEqual(parseClaimId('k1-outage'), { k: 1, topic: 'outage', method: 'temperature' });
  assert.deepEqual(parseClaimId('k2-calibrated-tracks-target:label-smoothing'), {
    k: 2,
    topic: 'calibrated-tracks-target',
    method: 'label-smoothing',
  });
  assert.deepEqual(parseClaimId('second-side-branch:global'), {
    k: null,
    topic: 'second-side-branch',
    method: 'global',
  });
  for (const s of ['k1-outage', 'k12-missed-deadline:ts.v2', 'second-side-branch'])
    assert.equal(formatClaimId(parseClaimId(s)!), s);
  assert.equal(parseClaimId('K1 outage'), null);
});

const est = (at: number, estimate: number, verdict: DeltaEstimate['verdict']): DeltaEstimate => ({
  quantity: 'Δ',
  at,
  estimate,
  low: estimate - 0.01,
  high: estimate + 0.01,
  level: 0.95,
  verdict,
});
const claim = (id: string, verdict: Claim['verdict'], estimates: DeltaEstimate[], byConstruction?: string): Claim => ({
  id,
  claim: '',
  finding: '',
  verdict,
  estimates,
  ...(byConstruction ? { byConstruction } : {}),
});

test('verdict table: claim × method cells with the deciding estimate; unknown methods left out', () => {
  const claims = [
    claim('k1-outage', 'supported', [est(0.7, 0.001, 'inconclusive'), est(0.8, -0.05, 'supported')]),
    claim('k1-outage:mine', 'inconclusive', [est(0.7, 0.002, 'inconclusive')]),
    claim('k1-offloading-probability:mine', 'supported', [est(0.9, 0.1, 'supported')], 'T > 1'),
    claim('k1-outage:other', 'contradicted', [est(0.7, 0.2, 'contradicted')]),
  ];
  assert.equal(decidingEstimate(claims[0])?.at, 0.8, 'the point that has the verdict decides');
  const rows = verdictTable(claims, [
    { id: 'temperature', label: 'TS' },
    { id: 'mine', label: 'Mine' },
  ]);
  assert.deepEqual(rows, [
    {
      claim: 'calibration lowers outage',
      k: 'k = 1',
      TS: 'supported · p_tar 0.80: −5.0 pp [−6.0 pp, −4.0 pp]',
      Mine: 'inconclusive · p_tar 0.70: +0.2 pp [−0.8 pp, +1.2 pp]',
    },
    { claim: 'calibration raises P_off', k: 'k = 1', Mine: 'supported † · p_tar 0.90: +10.0 pp [+9.0 pp, +11.0 pp]' },
  ]);
});

test('the printed rule is the applied rule: "uncalibrated below target" is existential, and the text says so', async () => {
  const { judgePoints } = await import('../../src/study/stats/deltaVerdict');
  const { verdictMethodText } = await import('../../src/report/verdictMethodText');
  const { defaultVerdictSettings } = await import('../../src/study/stats/verdictSettings');
  // Gap − p_tar: clearly above at 0.7 and 0.8, clearly below at 0.9 (B = 400 replicates around each point).
  const point = (at: number, centre: number) => ({
    at,
    estimate: centre,
    replicates: Float64Array.from({ length: 400 }, (_, i) => centre + (0.004 * ((i % 20) - 9.5)) / 9.5),
  });
  const pts = [point(0.7, 0.15), point(0.8, 0.1), point(0.9, -0.05)];
  const o = { quantity: 'gap', direction: 'lower' as const, minEffect: 0.005, alpha: 0.05 };
  assert.deepEqual(
    judgePoints(pts, o).estimates.map((e) => e.verdict),
    ['contradicted', 'contradicted', 'supported'],
  );
  assert.equal(judgePoints(pts, { ...o, combine: 'exists' }).verdict, 'supported', 'existential: one point suffices');
  assert.equal(judgePoints(pts, o).verdict, 'inconclusive', 'the consistent rule would not support it');
  const text = verdictMethodText(defaultVerdictSettings(), 256);
  assert.match(
    text,
    /"without calibration the on-device accuracy falls below p_tar" says the miss happens somewhere, so it is \*\*supported\*\* when the gap is significantly below −δ at some point whatever the other points show/,
  );
});
