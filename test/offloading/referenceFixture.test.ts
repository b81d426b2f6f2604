import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/util/repoRoot';
import type { CascadeKeys } from '../../src/cascade/cascadeKeys';
import { sweepThresholds } from '../../src/offloading/thresholdSweep';
import { binCascade, sortGrid } from '../../src/offloading/thresholdBins';
import { outageFromPermutations } from '../../src/offloading/outage';
import { missedDeadlineFromPermutations } from '../../src/offloading/missedDeadline';
import { meanCi } from '../../src/offloading/batchRounds';
import type { Fallback } from '../../src/cascade/runCascade';

// Values computed by test/offloading/fixtures/make_offloading_fixture.py (numpy/scipy, following the
// authors' DR_EENN code), with the shuffles stored so both sides replay the same rounds.
interface Fixture {
  grid: number[];
  batchSize: number;
  conf: number[][];
  correct: number[][];
  perms: number[][];
  times: { exit1: number[]; exit2: number[]; offload2: number[] };
  deadlines: number[];
  sweep: Record<
    string,
    Array<{
      pTar: number;
      offloadProbability: number;
      onDeviceAccuracy: number | null;
      overallAccuracy: number;
      exitFractions: number[];
    }>
  >;
  outage: Record<string, { perRound: number[][]; summary: Array<[number, number | null, number | null]> }>;
  missedDeadline: Record<string, { pTars: number[]; perRound: number[][][] }>;
}

const fx: Fixture = JSON.parse(
  fs.readFileSync(path.join(repoRoot(__dirname), 'test/offloading/fixtures/offloading_reference.json'), 'utf8'),
);
const keys: CascadeKeys = {
  keys: fx.conf.map((c) => Float64Array.from(c)),
  correct: fx.correct.map((c) => Uint8Array.from(c)),
};
const perms = fx.perms.map((p) => Int32Array.from(p));

test('sweep matches the numpy reference (k = 1, 2; both fallbacks)', () => {
  for (const k of [1, 2]) {
    for (const fallback of ['final', 'most-confident'] as Fallback[]) {
      const rows = sweepThresholds(keys, fx.grid, { edgeExits: k, fallback });
      const ref = fx.sweep[`k${k}_${fallback}`];
      rows.forEach((r, g) => {
        const { expectedDeviceMacs, ...rest } = r;
        assert.equal(expectedDeviceMacs, null);
        assert.deepEqual(rest, ref[g], `k ${k} ${fallback} p ${fx.grid[g]}`);
      });
    }
  }
});

test('outage per round and its mean ± CI match the DR_EENN-style reference', () => {
  const sorted = sortGrid(fx.grid);
  for (const k of [1, 2]) {
    const b = binCascade(keys, sorted.values, { edgeExits: k });
    const perRound = outageFromPermutations(b, sorted.values, perms, fx.batchSize);
    const ref = fx.outage[`k${k}`];
    perRound.forEach((r, round) => assert.deepEqual([...r], ref.perRound[round], `k ${k} round ${round}`));
    fx.grid.forEach((_, g) => {
      const got = meanCi(perRound.map((r) => r[g]));
      const [mean, lo, hi] = ref.summary[g];
      assert.ok(Math.abs(got.mean - mean) < 1e-12);
      // scipy returns NaN (stored null) when every round agrees; eecal collapses the band on the mean.
      assert.ok(Math.abs((got.ciLow as number) - (lo ?? mean)) < 1e-12, `k ${k} g ${g} low`);
      assert.ok(Math.abs((got.ciHigh as number) - (hi ?? mean)) < 1e-12, `k ${k} g ${g} high`);
    });
  }
});

test('missed-deadline per round matches the reference (k = 2, aligned per-sample times)', () => {
  const times = {
    exitMs: [Float64Array.from(fx.times.exit1), Float64Array.from(fx.times.exit2)],
    offloadMs: Float64Array.from(fx.times.offload2),
  };
  for (const fallback of ['final', 'most-confident'] as Fallback[]) {
    const ref = fx.missedDeadline[`k2_${fallback}`];
    const sorted = sortGrid(ref.pTars);
    const b = binCascade(keys, sorted.values, { edgeExits: 2, fallback });
    const perRound = missedDeadlineFromPermutations(
      b,
      sorted.values,
      times,
      Float64Array.from(fx.deadlines),
      perms,
      fx.batchSize,
    );
    const D = fx.deadlines.length;
    perRound.forEach((r, round) => {
      ref.pTars.forEach((_, g) =>
        assert.deepEqual(
          [...r.subarray(g * D, (g + 1) * D)],
          ref.perRound[round][g],
          `${fallback} round ${round} p ${ref.pTars[g]}`,
        ),
      );
    });
  }
});
