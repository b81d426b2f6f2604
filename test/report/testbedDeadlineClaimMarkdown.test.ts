import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MeasuredRow } from '../../src/records/measuredRecords';
import { DEFAULT_TESTBED_DEADLINE_CLAIM, testbedDeadlineClaims } from '../../src/study/testbedDeadlineClaim';
import { testbedDeadlineClaimMarkdown } from '../../src/report/testbedDeadlineClaimMarkdown';

// 64 images, all right, none offloaded; none measured at 50 ms, TS at 10 ms; deadline 30 ms.
const rows: MeasuredRow[] = ['none', 'temperature'].flatMap((method) =>
  Array.from({ length: 64 }, (_, i): MeasuredRow => ({
    sample: i,
    label: 1,
    exit: 1,
    prediction: 1,
    confidence: 0.9,
    fallback: false,
    offloaded: false,
    method,
    pTar: 0.7,
    ms: { total_ms: method === 'none' ? 50 : 10 },
  })),
);
const lat = { exitMs: [5], offloadMs: 30, parts: { deviceMs: 5, rttMs: 0, uploadMs: 20, cloudMs: 5 } };
const claims = testbedDeadlineClaims({ name: '4g', uplinkMbps: 5.85, rows, latency: lat }, 'temperature', [0.7], {
  ...DEFAULT_TESTBED_DEADLINE_CLAIM,
  replicates: 100,
  pointRounds: 5,
});

test('the claim is worded with its rule, and each verdict stands beside the interval it is read from', () => {
  const md = testbedDeadlineClaimMarkdown(claims, 1);
  assert.match(md, /^## Calibration lowers P\[missed deadline\]: judged on measured and on modelled times/);
  assert.match(md, /\*\*supported\*\* when the whole interval lies below −0\.5 pp/);
  assert.match(md, /Deadline: the latency model's offloading latency of each run/);
  // Measured: none misses every batch (50 > 30 ms), TS none: Δ −100 pp exactly, in every resample.
  assert.ok(
    md.includes(
      '| 4g | 0.70 | 30.0 | 64 | measured | 1.000 → 0.000 | −100.0 pp [−100.0 pp, −100.0 pp] | **supported** |',
    ),
    md,
  );
  // Modelled: both 5 ms at exit 1 → no miss on either side.
  assert.ok(
    md.includes('| 4g | 0.70 | 30.0 | 64 | modelled | 0.000 → 0.000 | +0.0 pp [+0.0 pp, +0.0 pp] | **inconclusive** |'),
    md,
  );
  assert.match(md, /agree in 0 of 1 cases/);
});

test('a claim with too few pairs says it was not judged, and why', () => {
  const short = testbedDeadlineClaims(
    { name: 'wifi', uplinkMbps: 18.8, rows: rows.filter((r) => r.sample < 8), latency: lat },
    'temperature',
    [0.7],
    DEFAULT_TESTBED_DEADLINE_CLAIM,
  );
  assert.ok(
    testbedDeadlineClaimMarkdown(short, 1).includes(
      '| wifi | 0.70 | 30.0 | 8 | measured | — | — [—, —] | **inconclusive** (not judged: 8 paired images, fewer than one batch of 16) |',
    ),
  );
});

test('no calibration, no claim: nothing is written', () => {
  assert.equal(testbedDeadlineClaimMarkdown([], 1), '');
});
