import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  entropyKeys,
  entropyKeyThreshold,
  exitEntropy,
  nextUp,
  runEntropyCascade,
  sweepEntropyThresholds,
} from '../../src/offloading/entropyPolicy';
import { ConfigError } from '../../src/errors';
import { createRng } from '../../src/util/rng';

test('entropy of softmax: uniform = ln C, (1/4, 3/4) by hand, temperature flattens', () => {
  const h = exitEntropy(Float64Array.from([2, 2, 2, 2, 0, Math.log(3)]), 2);
  assert.ok(Math.abs(h[0] - Math.log(2)) < 1e-15);
  assert.ok(Math.abs(h[1] - Math.log(2)) < 1e-15);
  assert.ok(Math.abs(h[2] - -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))) < 1e-15);
  // T = 2: softmax(0, ln3 / 2) = (1, √3) / (1 + √3).
  const p = 1 / (1 + Math.sqrt(3));
  const t = exitEntropy(Float64Array.from([0, Math.log(3)]), 2, 2);
  assert.ok(Math.abs(t[0] - -(p * Math.log(p) + (1 - p) * Math.log(1 - p))) < 1e-15);
  // Large logits stay finite (log-sum-exp), entropy → 0.
  assert.ok(exitEntropy(Float64Array.from([1000, 0, 0]), 3)[0] < 1e-300);
});

test('nextUp gives the next double; the key threshold encodes the strict "H < τ"', () => {
  assert.equal(nextUp(1), 1 + Number.EPSILON);
  assert.equal(nextUp(0), Number.MIN_VALUE);
  assert.ok(nextUp(-0.5) > -0.5 && nextUp(-0.5) - -0.5 < 1e-16);
  const t = entropyKeyThreshold(0.5);
  assert.ok(!(-0.5 >= t), 'H = τ must not exit');
  assert.ok(-0.49999999999999994 >= t, 'H just below τ exits');
  assert.throws(() => entropyKeyThreshold(-1), ConfigError);
  assert.throws(() => entropyKeyThreshold(NaN), /expected a finite number ≥ 0/);
});

test('hand-built entropy cascade: H < τ exits (strict), lowest-entropy fallback', () => {
  // k = 1. Entropies: branch [0.2, 0.5, 0.9], final [0.1, 0.7, 0.3]; labels 0; correct: branch [1,0,1], final [1,1,0].
  const entropy = [Float64Array.from([0.2, 0.5, 0.9]), Float64Array.from([0.1, 0.7, 0.3])];
  const prediction = [Int32Array.from([0, 1, 0]), Int32Array.from([0, 0, 1])];
  const labels = Int32Array.from([0, 0, 0]);
  const r = runEntropyCascade(entropy, prediction, { edgeExits: 1, threshold: 0.5 });
  assert.deepEqual([...r.onDevice], [1, 0, 0]); // 0.5 is not < 0.5
  assert.deepEqual([...r.answeringExit], [0, 1, 1]);
  const mc = runEntropyCascade(entropy, prediction, { edgeExits: 1, threshold: 0.5, fallback: 'most-confident' });
  // s1: branch 0.5 < final 0.7 and final does not meet τ → branch answers.  s2: final 0.3 < τ → final.
  assert.deepEqual([...mc.answeringExit], [0, 0, 1]);
  const keys = entropyKeys(entropy, prediction, labels);
  const [row] = sweepEntropyThresholds(keys, [0.5], { edgeExits: 1 });
  assert.deepEqual(row, {
    entropyThreshold: 0.5,
    offloadProbability: 2 / 3,
    onDeviceAccuracy: 1,
    overallAccuracy: 2 / 3,
    exitFractions: [1 / 3, 2 / 3],
    expectedDeviceMacs: null,
  });
});

test('entropy sweep equals the per-threshold entropy cascade (random, ties on the grid)', () => {
  const rng = createRng(5);
  const n = 400;
  const E = 3;
  const labels = Int32Array.from({ length: n }, () => rng.int(3));
  const entropy = Array.from({ length: E }, () => Float64Array.from({ length: n }, () => rng.int(17) / 8));
  const prediction = Array.from({ length: E }, () =>
    Int32Array.from(labels, (y) => (rng.next() < 0.6 ? y : rng.int(3))),
  );
  const keys = entropyKeys(entropy, prediction, labels);
  const taus = Array.from({ length: 21 }, (_, i) => i / 8); // multiples of 1/8: exact ties with entropies
  for (const k of [1, 2]) {
    for (const fallback of ['final', 'most-confident'] as const) {
      const rows = sweepEntropyThresholds(keys, taus, { edgeExits: k, fallback });
      taus.forEach((tau, g) => {
        const res = runEntropyCascade(entropy, prediction, { edgeExits: k, threshold: tau, fallback });
        let dev = 0;
        let devOk = 0;
        let ok = 0;
        for (let i = 0; i < n; i++) {
          const right = res.prediction[i] === labels[i] ? 1 : 0;
          ok += right;
          if (res.onDevice[i]) {
            dev++;
            devOk += right;
          }
        }
        assert.equal(rows[g].offloadProbability, (n - dev) / n, `k ${k} τ ${tau}`);
        assert.equal(rows[g].onDeviceAccuracy, dev ? devOk / dev : null);
        assert.equal(rows[g].overallAccuracy, ok / n, `k ${k} ${fallback} τ ${tau}`);
      });
      // A larger τ lets more samples exit: offloading never increases with τ.
      for (let g = 1; g < rows.length; g++) assert.ok(rows[g].offloadProbability <= rows[g - 1].offloadProbability);
    }
  }
});
