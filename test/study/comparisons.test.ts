import { findingText } from '../../src/report/claimText';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ExitRecords } from '../../src/records/types';
import { branchyNetComparison } from '../../src/study/comparisons';
import { verdictSettings } from '../../src/study/stats/verdictSettings';

/**
 * 1,000 samples, 3 exits, 10 classes, built so BranchyNet's entropy rule sends exactly 656 / 252 / 92
 * samples to branch 1 / branch 2 / final (a logit of 100 on one class has entropy ≈ 0, below every
 * threshold; all-zero logits have entropy ln 10, above both), and 790 answers are right.
 */
function tableOneRecords(numExits: number): ExitRecords {
  const n = 1000;
  const C = 10;
  const labels = new Int32Array(n);
  const logits = Array.from({ length: numExits }, () => new Float64Array(n * C));
  for (let i = 0; i < n; i++) {
    labels[i] = i % C;
    const exit = numExits === 3 ? (i < 656 ? 0 : i < 908 ? 1 : 2) : i < 656 ? 0 : 1;
    const right = i % 1000 < 790;
    const cls = right ? labels[i] : (labels[i] + 1) % C;
    for (let e = exit; e < numExits; e++) logits[e][i * C + cls] = 100;
  }
  return { numSamples: n, numClasses: C, numExits, labels, logits };
}

const settings = verdictSettings({ replicates: 200, seed: 3 });

test('BranchyNet comparison: a 3-exit model is compared (shares planted equal to Table I → supported)', () => {
  const claim = branchyNetComparison(tableOneRecords(3), 'planted', settings);
  assert.ok(!findingText(claim).includes('not comparable'), findingText(claim));
  assert.equal(claim.estimates.length, 4);
  // Point estimates are the planted values minus BranchyNet's (hand-computed).
  const want = [0.79 - 0.7919, 0.656 - 0.656, 0.252 - 0.252, 0.092 - 0.092];
  claim.estimates.forEach((e, q) => {
    assert.ok(Math.abs(e.estimate - want[q]) < 1e-12, `${e.quantity}: ${e.estimate} vs ${want[q]}`);
    assert.equal(e.verdict, 'supported', e.quantity);
  });
  assert.equal(claim.verdict, 'supported');
});

test('BranchyNet comparison: a 2-exit model is not comparable (no verdict per quantity)', () => {
  const claim = branchyNetComparison(tableOneRecords(2), 'planted', settings);
  assert.ok(findingText(claim).includes('2 exits: not comparable'), findingText(claim));
  assert.equal(claim.verdict, 'inconclusive');
  assert.ok(claim.estimates.every((e) => e.verdict === null));
});
