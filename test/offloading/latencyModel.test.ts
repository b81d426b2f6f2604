import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cascadeLatency,
  parseUplink,
  stageTimesFromSidecar,
  uploadMs,
  UPLINK_PRESETS,
  type StageTimes,
} from '../../src/offloading/latencyModel';
import { parseSampleTimesCsv } from '../../src/offloading/sampleTimes';
import { ConfigError, RecordFormatError } from '../../src/errors';
import type { RecordsSidecar } from '../../src/records/types';

const near = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

test('uplink presets and upload time: B-AlexNet split at branch 1 (65,536 B) = 477 / 89.6 / 27.9 ms (docs/paper-notes.md#latency-model)', () => {
  assert.deepEqual(UPLINK_PRESETS, { '3g': 1.1, '4g': 5.85, wifi: 18.8 });
  assert.equal(parseUplink('4G'), 5.85);
  assert.equal(parseUplink('wifi'), 18.8);
  assert.equal(parseUplink('2.5'), 2.5);
  near(uploadMs(65536, 1.1), 524288 / 1100);
  assert.equal(uploadMs(65536, 1.1).toFixed(1), '476.6');
  assert.equal(uploadMs(65536, 5.85).toFixed(1), '89.6');
  assert.equal(uploadMs(65536, 18.8).toFixed(1), '27.9');
  assert.equal(uploadMs(24576, 1.1).toFixed(0), '179');
  for (const bad of ['-1', '0', 'lte', '']) assert.throws(() => parseUplink(bad), ConfigError, bad);
  assert.throws(() => uploadMs(10, -5), /uplink rate -5 Mbit\/s: expected a finite bandwidth > 0/);
});

const sidecar: RecordsSidecar = {
  format: 'eecal-exit-records',
  version: 1,
  numClasses: 10,
  exitNames: ['b1', 'b2', 'final'],
  exits: [
    {
      name: 'b1',
      params: 1,
      macs: 3_000_000,
      trunkMacs: 2_000_000,
      splitTensorShape: [10, 10, 10],
      splitTensorBytes: 4000,
      inferenceMsPerSample: 6,
    },
    {
      name: 'b2',
      params: 1,
      macs: 5_000_000,
      trunkMacs: 4_000_000,
      splitTensorShape: [5, 10, 10],
      splitTensorBytes: 2000,
      inferenceMsPerSample: 10,
    },
    {
      name: 'final',
      params: 1,
      macs: 10_000_000,
      trunkMacs: 10_000_000,
      splitTensorShape: null,
      splitTensorBytes: null,
      inferenceMsPerSample: 20,
    },
  ],
};

test('stage times: MACs ÷ device speed, or measured times split by MACs', () => {
  // 1 GMAC/s = 10⁶ MACs per ms.
  const m = stageTimesFromSidecar(sidecar, 3, { kind: 'macs', gmacPerSecond: 1 });
  assert.deepEqual(m, { trunkMs: [2, 4], headMs: [1, 1], fullMs: 10, splitBytes: [4000, 2000] });
  // Measured: exit 1 = 6 ms for 3 M MACs of which 2 M trunk → trunk 4 ms, head 2 ms; exit 2: 10 ms · 4/5 = 8 + 2.
  const t = stageTimesFromSidecar(sidecar, 3, { kind: 'measured' });
  assert.deepEqual(t, { trunkMs: [4, 8], headMs: [2, 2], fullMs: 20, splitBytes: [4000, 2000] });
  assert.throws(() => stageTimesFromSidecar(undefined, 3, { kind: 'measured' }), RecordFormatError);
  const noTimes = { ...sidecar, exits: sidecar.exits!.map(({ inferenceMsPerSample: _t, ...c }) => c) };
  assert.throws(() => stageTimesFromSidecar(noTimes, 3, { kind: 'measured' }), /inferenceMsPerSample is missing/);
  assert.throws(() => stageTimesFromSidecar(sidecar, 2, { kind: 'measured' }), /lists 3 exits, the records have 2/);
  assert.throws(() => stageTimesFromSidecar(sidecar, 3, { kind: 'macs', gmacPerSecond: 0 }), /device speed 0/);
});

test('cascade latency by hand: device time per exit, offload = device + RTT + upload + cloud', () => {
  const stage: StageTimes = { trunkMs: [4, 8], headMs: [2, 2], fullMs: 20, splitBytes: [4000, 2000] };
  // k = 2, 1 Mbit/s, RTT 10 ms, γ = 4. Exit 1: 4 + 2 = 6. Exit 2: 8 + 2 + 2 = 12.
  // Offloaded: 12 + 10 + 2000·8/1000 (= 16) + (20 − 8)/4 (= 3) = 41.
  const a = cascadeLatency(stage, { uplinkMbps: 1, rttMs: 10, cloud: { speedup: 4 } }, 2);
  assert.deepEqual(a, { exitMs: [6, 12], offloadMs: 41, parts: { deviceMs: 12, rttMs: 10, uploadMs: 16, cloudMs: 3 } });
  // fp16 halves the bytes, int8 quarters them; branch 1 disabled drops its head; measured cloud per k.
  const b = cascadeLatency(stage, { uplinkMbps: 1, cloud: { ms: [7, 5] }, tensorDtype: 'fp16' }, 2, new Set([1]));
  assert.deepEqual(b, {
    exitMs: [4, 10],
    offloadMs: 10 + 8 + 5,
    parts: { deviceMs: 10, rttMs: 0, uploadMs: 8, cloudMs: 5 },
  });
  const c = cascadeLatency(stage, { uplinkMbps: 2, cloud: { ms: 1 }, tensorDtype: 'int8' }, 1);
  assert.deepEqual(c.parts, { deviceMs: 6, rttMs: 0, uploadMs: 4, cloudMs: 1 });
  assert.throws(
    () => cascadeLatency(stage, { uplinkMbps: -1, cloud: { speedup: 1 } }, 1),
    /expected a finite bandwidth > 0/,
  );
  assert.throws(() => cascadeLatency(stage, { uplinkMbps: 1, rttMs: -2, cloud: { speedup: 1 } }, 1), /RTT -2 ms/);
  assert.throws(() => cascadeLatency(stage, { uplinkMbps: 1, cloud: { speedup: 0 } }, 1), /cloud speed-up γ = 0/);
  assert.throws(() => cascadeLatency(stage, { uplinkMbps: 1, cloud: { speedup: 1 } }, 3), /edge exits k = 3/);
});

test('per-sample times CSV: columns by name, rows aligned with the records, clear errors', () => {
  const text = 'offload2_ms,exit1_ms,exit2_ms,offload1_ms\n100,1,2,90\n200,1.5,2.5,95\n';
  const t = parseSampleTimesCsv(text, 't.csv', 2, 2);
  assert.deepEqual(
    t.exitMs.map((a) => [...a]),
    [
      [1, 1.5],
      [2, 2.5],
    ],
  );
  assert.deepEqual([...t.offloadMs], [100, 200]);
  // A disabled branch's column may be absent.
  const d = parseSampleTimesCsv('exit2_ms,offload2_ms\n2,100\n', 'd.csv', 1, 2, new Set([1]));
  assert.deepEqual([...d.exitMs[1]], [2]);
  assert.throws(
    () => parseSampleTimesCsv(text, 't.csv', 3, 2),
    /t\.csv: 2 sample rows, but the records have 3 samples/,
  );
  assert.throws(() => parseSampleTimesCsv('exit1_ms\n1\n', 'm.csv', 1, 1), /m\.csv: missing column "offload1_ms"/);
  assert.throws(() => parseSampleTimesCsv('exit1_ms,offload1_ms,foo\n1,2,3\n', 'f.csv', 1, 1), /column 3 "foo"/);
  assert.throws(
    () => parseSampleTimesCsv('exit1_ms,offload1_ms\n1,-2\n', 'n.csv', 1, 1),
    /line 2, column offload1_ms: "-2" is not a time/,
  );
  assert.throws(() => parseSampleTimesCsv('', 'e.csv', 1, 1), /e\.csv: file is empty/);
});
