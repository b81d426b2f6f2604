import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offloadedMs } from '../../src/cascade/exitLatency';
import { cascadeLatency, exitLatencyOf, type StageTimes } from '../../src/offloading/latencyModel';
import { offloadingOutcome } from '../../src/calibration/offloadingObjective';
import { syntheticRecords } from '../plots/syntheticRecords';

// Two side branches: trunk 2 / 5 ms, heads 1 / 1 ms, whole trunk 20 ms, split tensors 4000 / 2000 B.
const stage: StageTimes = { trunkMs: [2, 5], headMs: [1, 1], fullMs: 20, splitBytes: [4000, 2000] };

test('one latency model: the full model reduces to ExitLatency with the same offload cost (hand-computed)', () => {
  const c = cascadeLatency(stage, { uplinkMbps: 1, rttMs: 10, cloud: { speedup: 5 } }, 2);
  const L = exitLatencyOf(c);
  // Device: exit 1 = trunk 2 + head 1; exit 2 = trunk 5 + both heads 2 (a sample reaching exit 2
  // ran head 1 too). Offload after k = 2: device 7 + RTT 10 + upload 2000·8 / 1e3 = 16 ms + cloud
  // (20 − 5) / 5 = 3 ms.
  assert.deepEqual([...L.deviceMs], [3, 7]);
  assert.equal(L.cloudMs, 3);
  assert.equal(L.overheadMs, 26);
  assert.equal(offloadedMs(L, 2), c.offloadMs);
  assert.equal(c.offloadMs, 7 + 10 + 16 + 3);
});

test('the calibration objective prices a cascade with the offloading latency model', () => {
  const records = syntheticRecords({ numSamples: 300, seed: 9 });
  const k = 2;
  const latency = exitLatencyOf(cascadeLatency(stage, { uplinkMbps: 5.85, cloud: { speedup: 10 } }, k));
  // At a p_tar every confidence passes, every sample answers at exit 1: 3 ms each.
  const o = offloadingOutcome(records, [1, 1], { pTar: 1e-9, edgeExits: k, beta: 0, latency });
  assert.equal(o.edgeFraction, 1);
  assert.ok(Math.abs(o.expectedLatencyMs - latency.deviceMs[0]) < 1e-12);
  // Everything between: the mean lies between the cheapest device exit and the offload cost.
  const mid = offloadingOutcome(records, [1, 1], { pTar: 0.8, edgeExits: k, beta: 0, latency });
  assert.ok(mid.expectedLatencyMs > latency.deviceMs[0] && mid.expectedLatencyMs < offloadedMs(latency, k));
});
