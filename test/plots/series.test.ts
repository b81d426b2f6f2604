import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { sweepSeries, outageSeries, deadlineSeries, exitFractionSeries } from '../../src/plots/series';
import type { SweepRow } from '../../src/offloading/thresholdSweep';

const rows: SweepRow[] = [
  {
    pTar: 0.5,
    offloadProbability: 0.2,
    onDeviceAccuracy: 0.7,
    overallAccuracy: 0.72,
    exitFractions: [0.8, 0.2],
    expectedDeviceMacs: null,
  },
  {
    pTar: 0.9,
    offloadProbability: 1,
    onDeviceAccuracy: null,
    overallAccuracy: 0.75,
    exitFractions: [0, 1],
    expectedDeviceMacs: null,
  },
];
const bands = [
  {
    offloadProbability: [0.18, 0.22] as [number, number],
    onDeviceAccuracy: [0.68, 0.72] as [number, number],
    overallAccuracy: [0.7, 0.74] as [number, number],
  },
  {
    offloadProbability: [1, 1] as [number, number],
    onDeviceAccuracy: null,
    overallAccuracy: [0.73, 0.77] as [number, number],
  },
];

test('sweep series pick fields and bands without computing anything', () => {
  assert.deepEqual(sweepSeries('u', rows, 'onDeviceAccuracy', bands), {
    label: 'u',
    x: [0.5, 0.9],
    y: [0.7, null],
    lo: [0.68, null],
    hi: [0.72, null],
  });
  assert.deepEqual(sweepSeries('u', rows, 'offloadProbability'), { label: 'u', x: [0.5, 0.9], y: [0.2, 1] });
  assert.throws(() => sweepSeries('u', rows, 'overallAccuracy', bands.slice(1)), /1 bands for 2 rows/);
});

test('outage, deadline and exit-fraction series', () => {
  assert.deepEqual(outageSeries('u', [{ pTar: 0.8, outageProbability: 0.3, ciLow: 0.25, ciHigh: 0.35 }]), {
    label: 'u',
    x: [0.8],
    y: [0.3],
    lo: [0.25],
    hi: [0.35],
  });
  const d = [
    { pTar: 0.75, deadlineMs: 0, missedProbability: 1, ciLow: 1, ciHigh: 1 },
    { pTar: 0.75, deadlineMs: 50, missedProbability: 0.2, ciLow: 0.1, ciHigh: 0.3 },
  ];
  assert.deepEqual(deadlineSeries('u', d).x, [0, 50]);
  assert.throws(() => deadlineSeries('u', [...d, { ...d[0], pTar: 0.8 }]), /mix several p_tar/);
  assert.deepEqual(exitFractionSeries('u', rows, ['branch1']), {
    label: 'u',
    x: [0.5, 0.9],
    exitNames: ['branch1', 'offloaded'],
    fractions: [
      [0.8, 0.2],
      [0, 1],
    ],
  });
});
