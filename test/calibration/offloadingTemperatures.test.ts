import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criticalTemperatures, fitOffloadingTemperatures, offloadingOutcome } from '../../src/calibration';
import { topLabelScores } from '../../src/records/scores';
import type { ExitRecords } from '../../src/records/types';
import { createRng } from '../../src/util/rng';

function records(seed: number, n: number, C = 4, E = 3): ExitRecords {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const logits = Array.from({ length: E }, (_, e) => {
    const l = new Float64Array(n * C);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < C; k++) l[i * C + k] = 1.5 * rng.normal();
      l[i * C + (rng.next() < 0.5 + 0.15 * e ? labels[i] : rng.int(C))] += 1 + e + 2 * rng.next();
    }
    return l;
  });
  return { numSamples: n, numClasses: C, numExits: E, labels, logits };
}

test('critical temperatures: confidence(τ) = p_tar, passes iff T ≤ τ; +∞ and 0 edge cases', () => {
  const r = records(1, 200);
  const tau = criticalTemperatures(r.logits[0], 4, 0.6);
  for (let i = 0; i < 200; i++) {
    const c = topLabelScores(r.logits[0].subarray(i * 4, (i + 1) * 4), 4, tau[i]).confidence[0];
    assert.ok(Math.abs(c - 0.6) < 1e-12, `sample ${i}: ${c}`);
    const below = topLabelScores(r.logits[0].subarray(i * 4, (i + 1) * 4), 4, tau[i] * 0.999).confidence[0];
    assert.ok(below > 0.6);
  }
  // p_tar ≤ 1/C passes at any T; tied maxima can never exceed 1/2.
  assert.equal(criticalTemperatures(Float64Array.from([1, 0, 0, 0]), 4, 0.25)[0], Infinity);
  assert.equal(criticalTemperatures(Float64Array.from([2, 2, 0]), 3, 0.6)[0], 0);
});

const latency = { deviceMs: [2, 5], overheadMs: 10, cloudMs: 8 };

test('k = 1: the coordinate search is exact — equal to brute force over every breakpoint interval', () => {
  const r = records(2, 150);
  for (const beta of [0, 15, 60]) {
    const opts = { pTar: 0.8, edgeExits: 1, beta, latency: { deviceMs: [2], overheadMs: 10, cloudMs: 8 } };
    const res = fitOffloadingTemperatures(r, opts);
    const tau = [...criticalTemperatures(r.logits[0], 4, 0.8)].filter((t) => t > 0.01 && t < 100).sort((a, b) => a - b);
    const candidates = [0.01, ...tau.map((t, j) => Math.sqrt(t * (tau[j + 1] ?? 100))), 100];
    const brute = Math.min(...candidates.map((t) => offloadingOutcome(r, [t], opts).objective));
    assert.ok(
      Math.abs(res.outcome.objective - brute) < 1e-12,
      `β = ${beta}: ${res.outcome.objective} vs brute force ${brute}`,
    );
    assert.ok(res.outcome.objective <= res.uncalibrated.objective + 1e-12);
  }
});

test("k = 2: objective equals the cascade's and beats a fine 2-D grid and the uncalibrated cascade", () => {
  const r = records(3, 200);
  const opts = { pTar: 0.75, edgeExits: 2, beta: 20, latency };
  const res = fitOffloadingTemperatures(r, opts);
  const check = offloadingOutcome(r, res.temperatures, opts);
  assert.deepEqual(res.outcome, check);
  const grid = Array.from({ length: 50 }, (_, j) => Math.exp(Math.log(0.05) + (j / 49) * Math.log(20 / 0.05)));
  let bestGrid = Infinity;
  for (const t1 of grid)
    for (const t2 of grid) bestGrid = Math.min(bestGrid, offloadingOutcome(r, [t1, t2], opts).objective);
  assert.ok(res.outcome.objective <= bestGrid + 1e-12, `${res.outcome.objective} vs grid ${bestGrid}`);
  assert.ok(res.outcome.objective < res.uncalibrated.objective);
  assert.equal(res.exits.length, 3);
  assert.match(res.exits[2].note ?? '', /not on the device/);
});

test('β = 0 minimises latency alone: every sample leaves at the first exit when a small T allows it', () => {
  const r = records(4, 100);
  const res = fitOffloadingTemperatures(r, { pTar: 0.7, edgeExits: 2, beta: 0, latency });
  assert.equal(res.outcome.edgeFraction, 1);
  assert.equal(res.outcome.expectedLatencyMs, 2);
});

test('bad options are usage errors', () => {
  const r = records(5, 20);
  assert.throws(() => fitOffloadingTemperatures(r, { pTar: 1, beta: 1, latency }), /p_tar in \(0, 1\)/);
  assert.throws(() => fitOffloadingTemperatures(r, { pTar: 0.8, beta: -1, latency }), /beta = -1/);
  assert.throws(
    () => fitOffloadingTemperatures(r, { pTar: 0.8, beta: 1, latency: { ...latency, deviceMs: [1] } }),
    /expected 2 finite times/,
  );
});

/**
 * The authors' SPSA recipe (docs/paper-notes.md#offloading-driven-ts: Bernoulli ±1 perturbations, 5 gradient estimates,
 * a_k = a/(k+A)^0.602, c_k = 0.1/k^0.101, A = 0.1·maxIter, a = 0.1·(A+1)^0.602/|ĝ₀|, stop after 10
 * iterations without improvement), tracking the best point it visits. Test-only baseline.
 */
function spsa(f: (t: number[]) => number, start: number[], seed: number, maxIter = 200): number {
  const rng = createRng(seed);
  const A = 0.1 * maxIter;
  const grad = (t: number[], c: number) => {
    const g = t.map(() => 0);
    for (let r = 0; r < 5; r++) {
      const d = t.map(() => (rng.next() < 0.5 ? -1 : 1));
      const diff = f(t.map((v, j) => Math.max(1e-3, v + c * d[j]))) - f(t.map((v, j) => Math.max(1e-3, v - c * d[j])));
      d.forEach((dj, j) => (g[j] += diff / (2 * c * dj) / 5));
    }
    return g;
  };
  const g0 = Math.hypot(...grad(start, 0.1));
  const a = g0 > 0 ? (0.1 * (A + 1) ** 0.602) / g0 : 0.1;
  let theta = [...start];
  let best = f(theta);
  let stale = 0;
  for (let k = 1; k <= maxIter && stale < 10; k++) {
    const g = grad(theta, 0.1 / k ** 0.101);
    theta = theta.map((v, j) => Math.max(1e-3, v - (a / (k + A) ** 0.602) * g[j]));
    const v = f(theta);
    if (v < best) {
      best = v;
      stale = 0;
    } else stale++;
  }
  return best;
}

test("the exact coordinate search does at least as well as the authors' SPSA on the same objective", () => {
  for (const seed of [6, 7, 8]) {
    const r = records(seed, 300);
    const opts = { pTar: 0.8, edgeExits: 2, beta: 30, latency };
    const ours = fitOffloadingTemperatures(r, opts).outcome.objective;
    const theirs = spsa((t) => offloadingOutcome(r, t, opts).objective, [1, 1], seed);
    assert.ok(ours <= theirs + 1e-12, `seed ${seed}: coordinate search ${ours} vs SPSA ${theirs}`);
  }
});
