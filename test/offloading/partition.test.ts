import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choosePartition } from '../../src/offloading/partition';
import { keysFromScores } from '../../src/cascade/cascadeKeys';
import type { StageTimes } from '../../src/offloading/latencyModel';
import { scoresOf } from './helpers';

// Labels 0 1 2. Exit 1 conf [0.9, 0.4, 0.6] pred [0, 0, 2]; exit 2 [0.5, 0.8, 0.65] pred [0, 1, 1]; final [0.7, 0.9, 0.3] pred [0, 1, 2].
const keys = keysFromScores(
  scoresOf(
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
  Int32Array.from([0, 1, 2]),
);
const stage: StageTimes = { trunkMs: [1, 2], headMs: [0.5, 0.5], fullMs: 10, splitBytes: [1000, 250] };
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

test('partition by hand: slow uplink favours the smaller split tensor (k = 2)', () => {
  // p 0.7. k = 1: s0 on device (1.5 ms), s1 s2 offloaded: 1.5 + 1000 B at 1 Mbit/s (8 ms) + (10 − 1)/2 = 14 ms.
  //   E[T] = (1.5 + 2·14)/3 = 9.8333…   k = 2: s0 at exit 1 (1.5), s1 at exit 2 (2 + 0.5 + 0.5 = 3),
  //   s2 offloaded: 3 + 2 + (10 − 2)/2 = 9 → E[T] = 13.5/3 = 4.5.
  const rows = choosePartition(keys, { pTar: 0.7, stage, network: { uplinkMbps: 1, cloud: { speedup: 2 } } });
  assert.equal(rows.length, 2);
  near(rows[0].expectedLatencyMs, (1.5 + 2 * 14) / 3);
  near(rows[0].offloadLatencyMs, 14);
  near(rows[1].expectedLatencyMs, 4.5);
  assert.deepEqual(
    rows.map((r) => [r.edgeExits, r.best, r.meetsTarget]),
    [
      [1, false, true],
      [2, true, true],
    ],
  );
  assert.deepEqual([rows[1].offloadProbability, rows[1].onDeviceAccuracy, rows[1].overallAccuracy], [1 / 3, 1, 1]);
});

test('partition by hand: a fast network and cloud favour offloading early (k = 1)', () => {
  // 10⁶ Mbit/s: uploads ≈ 8e-6 / 2e-6 ms; γ = 100: cloud (10 − 1)/100 = 0.09, (10 − 2)/100 = 0.08.
  const rows = choosePartition(keys, { pTar: 0.7, stage, network: { uplinkMbps: 1e6, cloud: { speedup: 100 } } });
  near(rows[0].expectedLatencyMs, (1.5 + 2 * (1.5 + 8e-6 + 0.09)) / 3);
  near(rows[1].expectedLatencyMs, (1.5 + 3 + (3 + 2e-6 + 0.08)) / 3);
  assert.deepEqual(
    rows.map((r) => r.best),
    [true, false],
  );
});

test('partition: a faster k whose on-device accuracy misses p_tar is not chosen; if none meets it, the fastest is flagged', () => {
  // Labels 0. Exit 1 keeps s0 ✓ only; exit 2 would also keep s1 ✓ and s2 ✗ (2/3 < 0.8); final ✓.
  const c = keysFromScores(
    scoresOf(
      [
        [0.9, 0.1, 0.1, 0.1],
        [0.1, 0.9, 0.9, 0.1],
        [0.5, 0.5, 0.5, 0.5],
      ],
      [
        [0, 1, 1, 1],
        [0, 0, 1, 1],
        [0, 0, 0, 0],
      ],
    ),
    Int32Array.from([0, 0, 0, 0]),
  );
  const network = { uplinkMbps: 1, cloud: { speedup: 2 } };
  const rows = choosePartition(c, { pTar: 0.8, stage, network });
  // k = 1: E = (1.5 + 3·14)/4 = 10.875; k = 2: E = (1.5 + 3 + 3 + 9)/4 = 4.125, but accuracy 2/3 < 0.8.
  near(rows[0].expectedLatencyMs, 10.875);
  near(rows[1].expectedLatencyMs, 4.125);
  assert.deepEqual(
    rows.map((r) => [r.edgeExits, r.onDeviceAccuracy, r.meetsTarget, r.best]),
    [
      [1, 1, true, true],
      [2, 2 / 3, false, false],
    ],
  );
  // Only k = 2 offered: nothing meets the target, so the fastest candidate is flagged with meetsTarget false.
  const none = choosePartition(c, { pTar: 0.8, stage, network, candidates: [2] });
  assert.deepEqual(
    none.map((r) => [r.edgeExits, r.meetsTarget, r.best]),
    [[2, false, true]],
  );
});
