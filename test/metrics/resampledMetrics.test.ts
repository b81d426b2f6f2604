import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resampledExitMetrics } from '../../src/metrics/resampledExitMetrics';
import { clearSharedBandwidths } from '../../src/metrics/resampledSmoothEce';
import { resampleCases, resampleIndices } from './fixtures/resampledMetricCases';

/**
 * Speed work on the resampled metrics must not move a single bit: every metric of every resample
 * (synthetic data with and without ties, and the first 200 and all rows of each shipped records
 * file) equals the value recorded from the implementation before that work
 * (fixtures/recordResampledMetrics.ts). Bit-equality is what keeps `metrics --bootstrap`
 * intervals byte-identical for a given seed.
 */
const recorded = JSON.parse(readFileSync('test/metrics/fixtures/resampledMetrics.json', 'utf8')) as {
  cases: Record<string, Record<string, number[]>>;
};

test('resampled metrics equal the recorded values bit for bit', () => {
  const cases = resampleCases();
  assert.ok(cases.length >= 8, `only ${cases.length} cases`);
  for (const c of cases) {
    const want = recorded.cases[c.name];
    assert.ok(want !== undefined, `${c.name}: no recorded values`);
    const stat = resampledExitMetrics(c.probs, c.labels, c.numClasses);
    let r = 0;
    for (const idx of resampleIndices(c)) {
      const got = stat(idx);
      for (const [k, v] of Object.entries(got))
        assert.ok(Object.is(v, want[k][r]), `${c.name}, resample ${r}, ${k}: ${v} vs recorded ${want[k][r]}`);
      r++;
    }
  }
});

test('resamplers used in turn (sharing per-bandwidth tables) still give the recorded values', () => {
  clearSharedBandwidths();
  const cases = resampleCases().filter((c) => c.labels.length <= 500);
  const walks = cases.map((c) => ({
    c,
    stat: resampledExitMetrics(c.probs, c.labels, c.numClasses),
    draws: [...resampleIndices(c)],
  }));
  const longest = Math.max(...walks.map((w) => w.draws.length));
  for (let r = 0; r < longest; r++) {
    for (const { c, stat, draws } of walks) {
      if (r >= draws.length) continue;
      const want = recorded.cases[c.name];
      for (const [k, v] of Object.entries(stat(draws[r])))
        assert.ok(Object.is(v, want[k][r]), `${c.name}, resample ${r}, ${k}: ${v} vs recorded ${want[k][r]}`);
    }
  }
});
