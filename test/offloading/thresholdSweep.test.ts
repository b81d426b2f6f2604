import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepThresholds } from '../../src/offloading/thresholdSweep';
import { naiveSweep } from '../../bench/naiveSweep';
import { keysFromScores } from '../../src/cascade/cascadeKeys';
import { cascadeDeviceCosts, deviceMacsFromSidecar } from '../../src/offloading/deviceCost';
import { countAtMost } from '../../src/offloading/thresholdBins';
import { ConfigError, DataError } from '../../src/errors';
import type { RecordsSidecar } from '../../src/records/types';
import { createRng } from '../../src/util/rng';
import { randomCase, scoresOf } from './helpers';

// Case A (k = 1, 2 exits, labels all 0). Per sample: branch (conf, pred) | final (conf, pred).
//   s0 0.90 ✓ | 0.99 ✓    s1 0.70 ✗ | 0.60 ✓    s2 0.55 ✓ | 0.95 ✗    s3 0.30 ✓ | 0.20 ✗
const caseA = {
  scores: scoresOf(
    [
      [0.9, 0.7, 0.55, 0.3],
      [0.99, 0.6, 0.95, 0.2],
    ],
    [
      [0, 1, 0, 0],
      [0, 0, 1, 1],
    ],
  ),
  labels: Int32Array.from([0, 0, 0, 0]),
};

test('hand-built k = 1: every number worked out by hand', () => {
  const keys = keysFromScores(caseA.scores, caseA.labels);
  const grid = [0, 0.5, 0.7, 0.8, 0.95, 1];
  const fin = sweepThresholds(keys, grid, { edgeExits: 1 });
  const exp = [
    // p = 0: every sample at exit 1; s0, s2, s3 right.
    { off: 0, dev: 0.75, all: 0.75 },
    // p = 0.5: s0 s1 s2 on device (2/3 right); s3 offloaded, final wrong.
    { off: 0.25, dev: 2 / 3, all: 0.5 },
    // p = 0.7: tie c = p_tar keeps s1 on device (≥); s2, s3 offloaded, both final answers wrong.
    { off: 0.5, dev: 0.5, all: 0.25 },
    // p = 0.8: s0 on device; final answers s1 ✓ s2 ✗ s3 ✗.
    { off: 0.75, dev: 1, all: 0.5 },
    { off: 1, dev: null, all: 0.5 },
    { off: 1, dev: null, all: 0.5 },
  ];
  fin.forEach((r, i) => {
    assert.equal(r.pTar, grid[i]);
    assert.equal(r.offloadProbability, exp[i].off, `offload at ${grid[i]}`);
    assert.equal(r.onDeviceAccuracy, exp[i].dev, `device acc at ${grid[i]}`);
    assert.equal(r.overallAccuracy, exp[i].all, `overall at ${grid[i]}`);
    assert.deepEqual(r.exitFractions, [1 - exp[i].off, exp[i].off]);
    assert.equal(r.expectedDeviceMacs, null);
  });
  // Most-confident fallback: an offloaded sample whose branch beats a final exit below p_tar takes
  // the branch answer. p = 0.5: s3 → branch (0.3 > 0.2) ✓ → 3/4. p = 0.8: s1 → branch ✗, s2 → final
  // ✗, s3 → branch ✓ → 2/4. p = 0.95: s0 final ✓, s1 branch ✗, s2 final (0.95 ≥ p) ✗, s3 branch ✓.
  const mc = sweepThresholds(keys, [0.5, 0.8, 0.95], { edgeExits: 1, fallback: 'most-confident' });
  assert.deepEqual(
    mc.map((r) => r.overallAccuracy),
    [0.75, 0.5, 0.5],
  );
});

// Case B (k = 2, 3 exits, labels 0 1 2), costs: branch1 trunk 100 + head 10, branch2 trunk 200 + head 20.
const caseB = {
  scores: scoresOf(
    [
      [0.9, 0.4, 0.6],
      [0.5, 0.8, 0.65],
      [0.7, 0.9, 0.3],
    ],
    [
      [0, 0, 2],
      [0, 1, 1],
      [0, 1, 2],
    ],
  ),
  labels: Int32Array.from([0, 1, 2]),
};
const sidecar: RecordsSidecar = {
  format: 'eecal-exit-records',
  version: 1,
  numClasses: 3,
  exitNames: ['b1', 'b2', 'final'],
  exits: [
    { name: 'b1', params: 1, macs: 110, trunkMacs: 100, splitTensorShape: [1], splitTensorBytes: 4 },
    { name: 'b2', params: 1, macs: 220, trunkMacs: 200, splitTensorShape: [1], splitTensorBytes: 4 },
    { name: 'final', params: 1, macs: 1000, trunkMacs: 1000, splitTensorShape: null, splitTensorBytes: null },
  ],
};

test('hand-built k = 2: exit fractions, device MACs, fallback and a disabled branch', () => {
  const keys = keysFromScores(caseB.scores, caseB.labels);
  const macs = deviceMacsFromSidecar(sidecar, 3, 2);
  assert.deepEqual(macs, { exit: [110, 230], offload: 230 });
  const [p60, p70, p85] = sweepThresholds(keys, [0.6, 0.7, 0.85], { edgeExits: 2, deviceMacs: macs });
  assert.deepEqual(p60.exitFractions, [2 / 3, 1 / 3, 0]);
  assert.equal(p60.expectedDeviceMacs, (110 + 230 + 110) / 3);
  assert.deepEqual([p60.onDeviceAccuracy, p60.overallAccuracy], [1, 1]);
  assert.deepEqual(p70.exitFractions, [1 / 3, 1 / 3, 1 / 3]);
  assert.equal(p70.expectedDeviceMacs, (110 + 230 + 230) / 3);
  assert.deepEqual([p85.offloadProbability, p85.onDeviceAccuracy, p85.overallAccuracy], [2 / 3, 1, 1]);
  // s2 offloaded at 0.85: most confident seen is exit 2 (0.65 > final 0.3), which predicts 1 ≠ 2.
  const mc = sweepThresholds(keys, [0.85], { edgeExits: 2, fallback: 'most-confident' });
  assert.equal(mc[0].overallAccuracy, 2 / 3);
  // Branch 1 disabled at p = 0.6: s0 offloaded (0.5 < 0.6), s1 ✓ and s2 ✗ at exit 2; no head-1 MACs.
  const disabled = new Set([1]);
  const dm = deviceMacsFromSidecar(sidecar, 3, 2, disabled);
  assert.deepEqual(dm, { exit: [100, 220], offload: 220 });
  const [d] = sweepThresholds(keys, [0.6], { edgeExits: 2, disabled, deviceMacs: dm });
  assert.deepEqual(d.exitFractions, [0, 2 / 3, 1 / 3]);
  assert.deepEqual([d.onDeviceAccuracy, d.overallAccuracy, d.expectedDeviceMacs], [0.5, 2 / 3, 220]);
});

test('fast sweep equals the one-pass-per-threshold loop (random cases, ties, any grid order)', () => {
  const rng = createRng(11);
  const grids = [
    Array.from({ length: 41 }, (_, i) => i / 40), // hits every quantised confidence exactly
    [0.9, 0.1, 0.5, 0.5, 1, 0, 0.33, 0.975], // unsorted, duplicates, uneven
    Array.from({ length: 101 }, (_, i) => Number((0.5 + i * 0.005).toPrecision(12))),
  ];
  for (let trial = 0; trial < 24; trial++) {
    const E = 2 + (trial % 4);
    const { scores, labels, keys } = randomCase(100 + trial, 300, E, 3, trial % 3 === 2 ? 0 : 40);
    const k = 1 + rng.int(E - 1);
    const disabled = new Set<number>();
    if (trial % 4 === 3) disabled.add(1 + rng.int(k));
    const fallback = trial % 2 ? 'most-confident' : 'final';
    const deviceMacs = cascadeDeviceCosts([5, 17, 40, 77], [1, 2, 3, 4], k, disabled);
    for (const grid of grids) {
      const opts = { edgeExits: k, fallback, disabled, deviceMacs } as const;
      const fast = sweepThresholds(keys, grid, opts);
      const slow = naiveSweep(scores, labels, grid, opts);
      assert.deepEqual(fast, slow, `trial ${trial}, E ${E}, k ${k}, ${fallback}, disabled ${[...disabled]}`);
    }
  }
});

test('countAtMost is exact on even and uneven grids', () => {
  const even = Float64Array.from({ length: 21 }, (_, i) => Number((0.5 + i * 0.025).toPrecision(12)));
  const uneven = Float64Array.from([0, 0.1, 0.11, 0.5, 0.5, 0.9]);
  const xs = Float64Array.from([
    -Infinity,
    0,
    0.5,
    0.525,
    0.52499999,
    0.1,
    0.105,
    0.9,
    1,
    Infinity,
    0.7,
    0.7 - 2 ** -53,
  ]);
  for (const grid of [even, uneven]) {
    const got = countAtMost(grid, xs, new Int32Array(xs.length));
    const want = [...xs].map((x) => grid.filter((g) => g <= x).length);
    assert.deepEqual([...got], want);
  }
});

test('properties: offloading never decreases with p_tar; p_tar = 0 keeps all at the first exit; more device exits never offload more', () => {
  const { keys } = randomCase(7, 2000, 4, 5, 0);
  const grid = Array.from({ length: 101 }, (_, i) => i / 100);
  const rowsByK = [1, 2, 3].map((k) => sweepThresholds(keys, grid, { edgeExits: k }));
  for (const rows of rowsByK) {
    for (let g = 1; g < rows.length; g++) assert.ok(rows[g].offloadProbability >= rows[g - 1].offloadProbability);
    assert.equal(rows[0].exitFractions[0], 1);
    assert.equal(rows[0].offloadProbability, 0);
    for (const r of rows) assert.ok(Math.abs(r.exitFractions.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
  for (let k = 1; k < 3; k++) {
    grid.forEach((_, g) => assert.ok(rowsByK[k][g].offloadProbability <= rowsByK[k - 1][g].offloadProbability));
  }
  // With branch 1 disabled, p_tar = 0 keeps everything at the first enabled exit (exit 2).
  const d = sweepThresholds(keys, [0], { edgeExits: 2, disabled: new Set([1]) });
  assert.deepEqual(d[0].exitFractions, [0, 1, 0]);
});

test('bad input: p_tar outside [0, 1], K too large, empty records, NaN confidence', () => {
  const keys = keysFromScores(caseB.scores, caseB.labels);
  assert.throws(
    () => sweepThresholds(keys, [0.5, 1.2], { edgeExits: 1 }),
    (e: unknown) => e instanceof ConfigError && /p_tar = 1\.2: expected a number in \[0, 1\]/.test(e.message),
  );
  assert.throws(() => sweepThresholds(keys, [-0.1], { edgeExits: 1 }), /p_tar = -0\.1/);
  assert.throws(() => sweepThresholds(keys, [], { edgeExits: 1 }), /grid is empty/);
  assert.throws(
    () => sweepThresholds(keys, [0.5], { edgeExits: 3 }),
    (e: unknown) => e instanceof ConfigError && /edge exits k = 3: expected an integer in \[1, 2\]/.test(e.message),
  );
  assert.throws(() => sweepThresholds(keys, [0.5], { edgeExits: 1, disabled: new Set([5]) }), /disabled branch 5/);
  const empty = keysFromScores(scoresOf([[], []], [[], []]), new Int32Array(0));
  assert.throws(
    () => sweepThresholds(empty, [0.5], { edgeExits: 1 }),
    (e: unknown) => e instanceof DataError && /records are empty/.test(e.message),
  );
  const nan = keysFromScores(
    scoresOf(
      [
        [0.5, NaN],
        [0.5, 0.5],
      ],
      [
        [0, 0],
        [0, 0],
      ],
    ),
    Int32Array.from([0, 0]),
  );
  assert.throws(() => sweepThresholds(nan, [0.5], { edgeExits: 1 }), /exit 1, sample 1: confidence is NaN/);
});
