import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ranges, rowAtPTar, shortfall, deadlineShape } from '../../src/report/offloadingClaims';
import { csvField, markdownTable, toCsv, fmtPp } from '../../src/report/markdownTable';
import type { SweepRow } from '../../src/offloading/thresholdSweep';

const row = (pTar: number, acc: number | null): SweepRow => ({ pTar, offloadProbability: 0, onDeviceAccuracy: acc, overallAccuracy: 0, exitFractions: [], expectedDeviceMacs: null });

test('shortfall: points below p_tar, the worst gap, and significance from the band upper end', () => {
  const rows = [row(0.5, 0.6), row(0.6, 0.55), row(0.7, null), row(0.8, 0.7), row(0.9, 0.95)];
  const bands = [0.65, 0.58, 0.7, 0.79, 0.99].map((hi) => ({ offloadProbability: [0, 1] as [number, number], onDeviceAccuracy: [0, hi] as [number, number], overallAccuracy: [0, 1] as [number, number] }));
  const s = shortfall(rows, bands);
  assert.deepEqual(s.below, [0.6, 0.8]);
  assert.equal(s.checked, 4, 'the p_tar where the device keeps nothing is not checked');
  assert.equal(s.worst!.pTar, 0.8);
  assert.ok(Math.abs(s.worst!.gap - 0.1) < 1e-12);
  // 0.6: band top 0.58 < 0.6 → significant; 0.8: band top 0.79 < 0.8 → significant.
  assert.deepEqual(s.significant, [0.6, 0.8]);
  assert.deepEqual(shortfall([row(0.5, 0.5)]).below, [], 'accuracy equal to p_tar meets it');
});

test('ranges of grid values and rowAtPTar', () => {
  assert.equal(ranges([0.5, 0.51, 0.52, 0.6, 0.7, 0.71], 0.01), '0.50–0.52, 0.60, 0.70–0.71');
  assert.equal(ranges([], 0.01), 'none');
  const rows = [row(0.79, 1), row(0.8, 0.5)];
  assert.equal(rowAtPTar(rows, 0.8).onDeviceAccuracy, 0.5);
  assert.throws(() => rowAtPTar(rows, 0.85), /p_tar 0.85 is not on the grid \(0.79 … 0.8\)/);
});

test('deadline shape: plateau at the largest deadline, first deadline below one half', () => {
  const d = (deadlineMs: number, missedProbability: number) => ({ pTar: 0.75, deadlineMs, missedProbability, ciLow: null, ciHigh: null });
  assert.deepEqual(deadlineShape([d(0, 1), d(10, 0.7), d(20, 0.3), d(30, 0.2)]), { plateau: 0.2, dropMs: 20 });
  assert.deepEqual(deadlineShape([d(0, 1), d(10, 0.9)]), { plateau: 0.9, dropMs: null });
});

test('markdown and CSV writers', () => {
  assert.equal(markdownTable(['a', 'b|c'], [['x', '1']]), '| a | b\\|c |\n|:---|---:|\n| x | 1 |');
  assert.throws(() => markdownTable(['a'], [['1', '2']]), /row 0 has 2 cells, header has 1/);
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField(null), '');
  assert.equal(csvField(NaN), '');
  assert.equal(csvField([0.5, 0.25]), '0.5;0.25');
  assert.equal(toCsv([{ a: 1, b: null }, { a: 2.5, b: 'x' }]), 'a,b\n1,\n2.5,x\n');
  assert.equal(fmtPp(-0.031), '−3.1 pp');
  assert.equal(fmtPp(null), 'n/a');
});

test('paired verdict: never worse and better somewhere; equal everywhere is undecidable', async () => {
  const { pairedVerdict } = await import('../../src/report/offloadingClaims');
  assert.equal(pairedVerdict([0.5, 0.3], [0.4, 0.3], 'lower'), true);
  assert.equal(pairedVerdict([0.5, 0.3], [0.4, 0.35], 'lower'), false);
  assert.equal(pairedVerdict([0, 0], [0, 0], 'lower'), null);
  assert.equal(pairedVerdict([0.1], [0.2], 'higher'), true);
});
