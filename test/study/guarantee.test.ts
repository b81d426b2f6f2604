import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExitRecords } from '../../src/records/types';
import { guaranteeEvidence } from '../../src/study/guaranteeEvidence';
import { combineVerdicts, guaranteeClaims, violationVerdict } from '../../src/study/guaranteeClaims';
import { plantedRecords } from './plantedRecords';
import { createRng } from '../../src/util/rng';

test('violation verdict reads the printed interval against δ; a family is contradicted by one point', () => {
  assert.equal(violationVerdict([0.01, 0.04], 0.05), 'supported');
  assert.equal(violationVerdict([0.06, 0.09], 0.05), 'contradicted');
  assert.equal(violationVerdict([0.03, 0.07], 0.05), 'inconclusive');
  assert.equal(combineVerdicts(['supported', 'supported']), 'supported');
  assert.equal(combineVerdicts(['supported', 'inconclusive']), 'inconclusive');
  assert.equal(combineVerdicts(['supported', 'contradicted', 'inconclusive']), 'contradicted');
});

test(
  'planted exchangeable records: risk control meets the target with probability ≥ 1 − δ (supported)',
  { timeout: 120_000 },
  () => {
    const val = plantedRecords({ numSamples: 2000, seed: 1, split: 'val' });
    const t = plantedRecords({ numSamples: 2000, seed: 2 });
    const ev = guaranteeEvidence(val, t, {
      k: 1,
      targets: [0.8, 0.9],
      delta: 0.1,
      draws: 300,
      seed: 4,
      rules: ['risk-control'],
    });
    const [claim] = guaranteeClaims(ev);
    assert.equal(claim.id, 'risk-control-meets-target');
    for (const p of claim.points)
      assert.ok(p.violations / p.draws <= 0.1, `target ${p.target}: ${p.violations}/${p.draws}`);
    assert.equal(claim.verdict, 'supported', JSON.stringify(claim.points));
    // It is not bought by keeping nothing: the mean P_off is within 25 points of the population's oracle.
    for (const r of ev.rows)
      assert.ok(r.oracleOffload !== null && r.meanOffload - r.oracleOffload < 0.25, JSON.stringify(r));
  },
);

/**
 * Records where one temperature cannot fix branch 1: 30 % of samples at logits (10, 0) (confidence
 * ≈ 1) but only 85 % right, 70 % at (1.5, 0) (confidence 0.82) and 97 % right. The NLL-optimal T is
 * dragged above 1 by the overconfident cluster, which then alone passes p_tar = 0.9 after TS with
 * 85 % accuracy: TS misses a 0.9 target in (nearly) every draw, while risk control, on the same
 * exchangeable records, keeps its guarantee.
 */
function biasedForTs(n: number, seed: number): ExitRecords {
  const rng = createRng(seed);
  const labels = new Int32Array(n);
  const b1 = new Float64Array(2 * n);
  const fin = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = rng.next() < 0.3;
    const right = rng.next() < (a ? 0.85 : 0.97);
    labels[i] = right ? 0 : 1;
    b1[2 * i] = a ? 10 : 1.5;
    fin[2 * i] = 4;
  }
  return { numSamples: n, numClasses: 2, numExits: 2, labels, logits: [b1, fin] };
}

test(
  'planted records where TS is biased: "TS meets the target" is contradicted, risk control still supported',
  { timeout: 120_000 },
  () => {
    const ev = guaranteeEvidence(biasedForTs(2000, 1), biasedForTs(2000, 2), {
      k: 1,
      targets: [0.9],
      delta: 0.1,
      draws: 200,
      seed: 5,
      rules: ['temperature', 'risk-control'],
    });
    const claims = Object.fromEntries(guaranteeClaims(ev).map((c) => [c.id, c]));
    assert.equal(
      claims['ts-meets-target:temperature'].verdict,
      'contradicted',
      JSON.stringify(claims['ts-meets-target:temperature'].points),
    );
    assert.equal(
      claims['risk-control-meets-target'].verdict,
      'supported',
      JSON.stringify(claims['risk-control-meets-target'].points),
    );
  },
);

test('uncalibrated rule: the same threshold every draw, so 0 or R violations (population accuracy at p_tar known)', () => {
  const ev = guaranteeEvidence(biasedForTs(500, 3), biasedForTs(500, 4), {
    k: 1,
    targets: [0.8, 0.9],
    delta: 0.1,
    draws: 20,
    seed: 1,
    rules: ['uncalibrated'],
  });
  // Raw confidences 1.0 and 0.82: at 0.8 both clusters are kept (accuracy ≈ 0.934 ≥ 0.8), at 0.9 only the 85 % one.
  assert.deepEqual(
    ev.rows.map((r) => r.violations),
    [0, 20],
  );
  assert.equal(guaranteeClaims(ev).length, 0);
});

test('held-out rows: test accuracy at p_tar = target and at the certified threshold equal a direct count', async () => {
  const { heldOutRows } = await import('../../src/study/guaranteeStudy');
  const { uncalibratedScores } = await import('../../src/records/scores');
  const val = plantedRecords({ numSamples: 1500, seed: 7, split: 'val' });
  const t = plantedRecords({ numSamples: 1500, seed: 8 });
  const rows = heldOutRows({ name: 'p', val, test: t }, 2, { targets: [0.85], delta: 0.1, seed: 0 });
  const sc = uncalibratedScores(t);
  const direct = (lambda: number) => {
    let kept = 0;
    let right = 0;
    for (let i = 0; i < t.numSamples; i++) {
      const e = [0, 1].find((b) => sc[b].confidence[i] >= lambda);
      if (e === undefined) continue;
      kept++;
      if (sc[e].prediction[i] === t.labels[i]) right++;
    }
    return { acc: right / kept, off: 1 - kept / t.numSamples };
  };
  const r = rows[0];
  assert.ok(r.threshold !== null);
  assert.ok(Math.abs(r.rawAccuracy! - direct(0.85).acc) < 1e-12 && Math.abs(r.rawOffload - direct(0.85).off) < 1e-12);
  assert.ok(
    Math.abs(r.testAccuracy! - direct(r.threshold).acc) < 1e-12 &&
      Math.abs(r.testOffload! - direct(r.threshold).off) < 1e-12,
  );
});
