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

test('auto missed-deadline p_tar: 0.80 for a final accuracy of 0.83 (exactly 3 pp below; review regression)', async () => {
  const { autoDeadlinePTar } = await import('../../src/study/offloadingStudy');
  const keysWith = (right: number, n: number) => {
    const c = new Uint8Array(n);
    c.fill(1, 0, right);
    return { keys: [new Float64Array(n), new Float64Array(n)], correct: [c, c] };
  };
  // (0.83 − 0.03)·20 is 15.999…98 in doubles; the floor used to give 0.75.
  assert.equal(autoDeadlinePTar(keysWith(83, 100)), 0.8);
  assert.equal(autoDeadlinePTar(keysWith(8300, 10000)), 0.8);
  assert.equal(autoDeadlinePTar(keysWith(829, 1000)), 0.75, 'less than 3 pp above 0.80 → 0.75');
  assert.equal(autoDeadlinePTar(keysWith(78, 100)), 0.75);
  assert.equal(autoDeadlinePTar(keysWith(5, 100)), 0.05, 'never below 0.05');
});

/** A partition study by hand: one uncalibrated and one calibrated method (review regressions). */
function partition(k: number, uploadMs: number, offloadMs: number, un: SweepRow[], cal: SweepRow[], deadline?: { un: number[]; cal: number[] }) {
  const d = (vals: number[]) => vals.map((missedProbability, i) => ({ pTar: 0.8, deadlineMs: 10 * i, missedProbability, ciLow: null, ciHigh: null }));
  const m = (label: string, sweep: SweepRow[], dl: number[]) => ({ id: label === 'uncalibrated' ? 'uncalibrated' as const : 'temperature' as const, label, sweep, bands: [], outage: [], deadline: d(dl) });
  return {
    edgeExits: k,
    latency: { exitMs: [1], offloadMs, parts: { deviceMs: 1, rttMs: 0, uploadMs, cloudMs: 0 } },
    methods: [m('uncalibrated', un, deadline?.un ?? [1]), m('TS', cal, deadline?.cal ?? [1])],
  };
}

test('accuracy claims are not decidable when the device keeps no sample anywhere on the grid (review regression)', async () => {
  const { accuracyClaims } = await import('../../src/report/offloadingClaims');
  const none = [row(0.5, null), row(0.8, null)];
  const claims = accuracyClaims(partition(1, 1, 2, none, none), 'uncalibrated', 'TS');
  assert.equal(claims.length, 2);
  // Used to be holds = false for the first and a vacuous "supported" (true) for the second.
  assert.equal(claims[0].holds, null);
  assert.equal(claims[1].holds, null);
  const some = accuracyClaims(partition(1, 1, 2, [row(0.5, 0.4), row(0.8, 0.6)], [row(0.5, 0.6), row(0.8, 0.9)]), 'uncalibrated', 'TS');
  assert.equal(some[0].holds, false, 'no bands → no significant shortfall');
  assert.equal(some[1].holds, true);
});

test('missed-deadline claim: the verdict (plateau) matches the claim text; drop order is reported, not claimed (review regression)', async () => {
  const { deadlineClaim } = await import('../../src/report/offloadingClaims');
  // Calibrated: lower plateau (0.2 < 0.3) but its curve drops EARLIER (10 ms vs 20 ms).
  const p = partition(1, 5, 50, [row(0.8, 0.7)], [row(0.8, 0.8)], { un: [1, 0.9, 0.3], cal: [1, 0.4, 0.2] });
  const study = { network: { uplinkMbps: 5.85, rttMs: 20 }, deadlinePTar: 0.8 } as unknown as Parameters<typeof deadlineClaim>[3];
  const c = deadlineClaim(p, 'uncalibrated', 'TS', study)!;
  assert.equal(c.holds, true);
  assert.doesNotMatch(c.claim, /drops later/, 'the claim no longer asserts what the verdict does not check');
  assert.match(c.finding, /the TS curve drops earlier than the uncalibrated one/);
});

test('second-branch claim: the split-tensor remark follows the upload times (review regression)', async () => {
  const { secondBranchClaim } = await import('../../src/report/offloadingClaims');
  const r1 = [{ ...row(0.8, 0.9), offloadProbability: 0.5 }];
  const r2 = [{ ...row(0.8, 0.9), offloadProbability: 0.3 }];
  const study = (up1: number, up2: number) => ({ partitions: [partition(1, up1, 100, r1, r1), partition(2, up2, 90, r2, r2)] }) as unknown as Parameters<typeof secondBranchClaim>[0];
  assert.match(secondBranchClaim(study(80, 30))!.finding, /upload 80\.0 → 30\.0 ms: smaller split tensor/);
  assert.match(secondBranchClaim(study(30, 80))!.finding, /upload 30\.0 → 80\.0 ms: larger split tensor/);
  assert.equal(secondBranchClaim(study(80, 30))!.holds, true);
});
