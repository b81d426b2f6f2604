import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomialCdf, clopperPearson } from '../../src/offloading/riskControlBinomial';
import {
  countSegments,
  deviceSegments,
  fixedSequenceTest,
  riskControlThreshold,
  type BranchScores,
} from '../../src/offloading/riskControl';
import { createRng } from '../../src/util/rng';

const rel = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(Math.abs(b), 1e-300);

test('binomialCdf equals scipy.stats.binom.cdf (values printed by /usr/bin/python3)', () => {
  const cases: [number, number, number, number][] = [
    [0, 10, 0.1, 0.34867844009999993],
    [3, 10, 0.1, 0.9872048016],
    [7, 10, 0.3, 0.9984096136],
    [50, 1000, 0.1, 5.995167632379605e-9],
    [80, 1000, 0.1, 0.017611574675836066],
    [120, 1000, 0.1, 0.9827427694733798],
    [900, 10000, 0.1, 0.0003851611380723994],
    [1100, 10000, 0.1, 0.999527709227656],
    [5, 5, 0.5, 1],
    [0, 10000, 0.05, 1.7220782772888934e-223],
  ];
  for (const [k, n, p, want] of cases)
    assert.ok(rel(binomialCdf(k, n, p), want, 1e-9), `P(Bin(${n}, ${p}) ≤ ${k}) = ${binomialCdf(k, n, p)} vs ${want}`);
});

test('clopperPearson equals scipy.stats.beta.ppf bounds', () => {
  const cases: [number, number, number, number][] = [
    [0, 20, 0, 0.1684334709830853],
    [3, 20, 0.0320709371854637, 0.37892682654531396],
    [20, 20, 0.8315665290169146, 1],
    [940, 1000, 0.9234395095960652, 0.9539049645775157],
  ];
  for (const [x, n, lo, hi] of cases) {
    const [a, b] = clopperPearson(x, n);
    assert.ok(Math.abs(a - lo) < 1e-9 && Math.abs(b - hi) < 1e-9, `${x}/${n}: [${a}, ${b}] vs [${lo}, ${hi}]`);
  }
});

test('device segments follow the cascade: first of branches 1..k with confidence ≥ λ answers', () => {
  // grid 0.5, 0.7, 0.9; sample 0: b1 0.6 (wrong), b2 0.95 (right); sample 1: b1 0.92 (right), b2 0.99 (wrong); sample 2: b1 0.4, b2 0.45.
  const b1: BranchScores = { confidence: [0.6, 0.92, 0.4], prediction: [9, 1, 2] };
  const b2: BranchScores = { confidence: [0.95, 0.99, 0.45], prediction: [0, 9, 2] };
  const labels = [0, 1, 2];
  const c = countSegments(deviceSegments([b1, b2], labels, [0.5, 0.7, 0.9]));
  // λ = 0.5: s0 at b1 (wrong), s1 at b1 (right); λ = 0.7: s0 at b2 (right), s1 at b1 (right); λ = 0.9: same as 0.7.
  assert.deepEqual([...c.kept], [2, 2, 2]);
  assert.deepEqual([...c.correct], [1, 2, 2]);
  const k1 = countSegments(deviceSegments([b1], labels, [0.5, 0.7, 0.9]));
  assert.deepEqual([...k1.kept], [2, 1, 1]);
  assert.deepEqual([...k1.correct], [1, 1, 1]);
});

/** k = 1 records: `count` samples at confidence c, of them `right` correct. */
function blocks(spec: [number, number, number][]): { branch: BranchScores; labels: number[] } {
  const conf: number[] = [];
  const pred: number[] = [];
  for (const [c, count, right] of spec)
    for (let j = 0; j < count; j++) {
      conf.push(c);
      pred.push(j < right ? 0 : 1);
    }
  return { branch: { confidence: conf, prediction: pred }, labels: conf.map(() => 0) };
}

test('fixed sequence on hand-computed counts: starts where the ordering part predicts the smallest p, stops at the first failure', () => {
  // Testing part: 30 at 0.95 all right, 12 at 0.75 (11 right), 20 at 0.55 (10 right). Target 0.9, δ = 0.05:
  // p(0.9) = 0.9^30 = 0.0424 (rejected), p(0.7) = P(Bin(42, 0.1) ≤ 1) = 0.0678 (not): threshold 0.9.
  const half = [
    [0.95, 30, 30],
    [0.75, 12, 11],
    [0.55, 20, 10],
  ] as [number, number, number][];
  const { branch, labels } = blocks([...half, ...half]);
  const mask = Uint8Array.from(labels, (_, i) => (i < 62 ? 1 : 0));
  const seg = deviceSegments([branch], labels, [0.5, 0.7, 0.9]);
  const r = fixedSequenceTest(seg, mask, 0.9, 0.05);
  assert.equal(r.chosen, 2);
  assert.equal(r.steps.length, 2);
  assert.ok(rel(r.steps[0].pValue, 0.042391158275216195, 1e-9), `${r.steps[0].pValue}`);
  assert.ok(rel(r.steps[1].pValue, 0.06784425270118485, 1e-9), `${r.steps[1].pValue}`);
  assert.deepEqual(
    r.steps.map((s) => s.rejected),
    [true, false],
  );
  // An ordering part where 0.7 looks easiest (all its mid samples right, many of them) starts the sequence at 0.7,
  // which fails on the testing part, so nothing is certified: the order is set by the ordering part alone.
  const other = blocks([[0.95, 5, 5], [0.75, 60, 60], [0.55, 20, 10], ...half]);
  const mask2 = Uint8Array.from(other.labels, (_, i) => (i < 85 ? 1 : 0));
  const r2 = fixedSequenceTest(deviceSegments([other.branch], other.labels, [0.5, 0.7, 0.9]), mask2, 0.9, 0.05);
  assert.equal(r2.steps[0].threshold, 0.7);
  assert.equal(r2.chosen, null);
});

/** Exchangeable planted population: confidence c ~ U(0.3, 1), correct ~ Bernoulli(c − bias). */
function population(n: number, bias: number, seed: number): { branch: BranchScores; labels: Int32Array } {
  const rng = createRng(seed);
  const conf = new Float64Array(n);
  const pred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    conf[i] = 0.3 + 0.7 * rng.next();
    pred[i] = rng.next() < conf[i] - bias ? 0 : 1;
  }
  return { branch: { confidence: conf, prediction: pred }, labels: new Int32Array(n) };
}

test(
  'risk control: on exchangeable planted data the true device accuracy at the chosen threshold misses the target in ≤ δ of draws',
  { timeout: 60_000 },
  () => {
    // Truth: P(correct | c) = c, so Acc(λ) = E[c | c ≥ λ] = (λ + 1)/2 for c ~ U(0.3, 1); Acc(λ) ≥ 0.85 ⇔ λ ≥ 0.7.
    // Draw 400 validation sets of 2,000 samples; count draws whose threshold is below 0.7.
    const target = 0.85;
    const delta = 0.1;
    let violations = 0;
    let certified = 0;
    const draws = 400;
    for (let d = 0; d < draws; d++) {
      const { branch, labels } = population(2000, 0, 100 + d);
      const r = riskControlThreshold([branch], labels, { target, delta, seed: d });
      if (r.threshold === null) continue;
      certified++;
      if (r.threshold < 0.7 - 1e-9) violations++;
    }
    // Binomial(400, 0.1) exceeds 55 with probability < 0.01; the procedure also has to certify most of the time.
    assert.ok(violations <= 55, `violations ${violations}/${draws}`);
    assert.ok(certified > 0.9 * draws, `certified ${certified}/${draws}`);
  },
);

test('risk control reports the largest empirical kept share beside the certified one, and rejects bad options', () => {
  const { branch, labels } = population(4000, 0, 9);
  const r = riskControlThreshold([branch], labels, { target: 0.85, delta: 0.05 });
  assert.ok(r.threshold !== null && r.chosen && r.bestEmpirical);
  assert.ok(r.chosen.keptShare <= r.bestEmpirical.keptShare + 1e-12);
  assert.ok(rel(r.chosen.offloadProbability, 1 - r.chosen.keptShare, 1e-12));
  assert.equal(r.orderingSize + r.testingSize, 4000);
  assert.throws(() => riskControlThreshold([branch], labels, { target: 1.2, delta: 0.05 }), /target = 1.2/);
  assert.throws(() => riskControlThreshold([branch], labels, { target: 0.9, delta: 0 }), /delta = 0/);
});
