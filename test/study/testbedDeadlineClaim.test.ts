import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MeasuredRow } from '../../src/records/measuredRecords';
import type { CascadeLatency } from '../../src/offloading/latencyModel';
import { createRng } from '../../src/util/rng';
import {
  DEFAULT_TESTBED_DEADLINE_CLAIM,
  judgePairedDeadline,
  testbedDeadlineClaims,
  type TestbedDeadlineClaimSettings,
} from '../../src/study/testbedDeadlineClaim';

// Model of the planted runs: device exit 5 ms, offloaded 30 ms.
const LAT: CascadeLatency = { exitMs: [5], offloadMs: 30, parts: { deviceMs: 5, rttMs: 0, uploadMs: 20, cloudMs: 5 } };
const FAST: TestbedDeadlineClaimSettings = { ...DEFAULT_TESTBED_DEADLINE_CLAIM, replicates: 400, pointRounds: 50 };

/**
 * Planted measured rows: n images, each answered the same way (right or wrong, offloaded or not)
 * by both methods at p_tar 0.7, with the measured total times the test chooses per method.
 */
function plantedRows(
  n: number,
  seed: number,
  times: (method: 'none' | 'temperature', i: number) => number,
): MeasuredRow[] {
  const rng = createRng(seed);
  const rows: MeasuredRow[] = [];
  const answers = Array.from({ length: n }, () => ({ right: rng.next() < 0.95, off: rng.next() < 0.4 }));
  for (const method of ['none', 'temperature'] as const) {
    for (let i = 0; i < n; i++) {
      const a = answers[i];
      rows.push({
        sample: i,
        label: 3,
        exit: a.off ? 3 : 1,
        prediction: a.right ? 3 : 4,
        confidence: 0.9,
        fallback: false,
        offloaded: a.off,
        method,
        pTar: 0.7,
        ms: { total_ms: times(method, i) },
      });
    }
  }
  return rows;
}

const run = (rows: MeasuredRow[]) => ({ name: 'planted', uplinkMbps: 5, rows, latency: LAT });

test('P[missed deadline] per shuffle matches the hypergeometric truth (only full batches, mean time > deadline misses)', () => {
  // 32 images, all right; 16 take 100 ms, 16 take 0 ms; batches of 16, deadline 50 ms. A shuffle's
  // first batch holds X ~ Hypergeom(32, 16, 16) slow images; exactly one batch misses unless X = 8.
  // E[missed fraction] = (1 − P[X = 8]) / 2 = 0.3622173 (scipy.stats.hypergeom(32, 16, 16).pmf(8) = 0.2755653).
  const n = 32;
  const uncal = {
    correct: new Uint8Array(n).fill(1),
    timeMs: Float64Array.from({ length: n }, (_, i) => (i < 16 ? 100 : 0)),
  };
  const cal = { correct: new Uint8Array(n).fill(1), timeMs: new Float64Array(n) };
  const j = judgePairedDeadline(uncal, cal, 0.7, 50, { ...FAST, replicates: 50, pointRounds: 20000 }, 'Δ');
  assert.ok(Math.abs(j.uncalibrated - 0.3622173) < 0.01, `uncalibrated ${j.uncalibrated}`);
  assert.equal(j.calibrated, 0);
  // Accuracy alone: every answer wrong, every time 0 → every batch misses p_tar however fast.
  const wrong = { correct: new Uint8Array(n), timeMs: new Float64Array(n) };
  const byAcc = judgePairedDeadline(cal, wrong, 0.7, 50, { ...FAST, replicates: 50, pointRounds: 10 }, 'Δ');
  assert.equal(byAcc.calibrated, 1);
  assert.equal(byAcc.delta.estimate, 1);
  assert.equal(byAcc.verdict, 'contradicted');
});

test('TS measured faster than none: supported on measured times; the modelled times (same answers) cannot tell them apart', () => {
  const rng = createRng(7);
  const base = Array.from({ length: 200 }, () => 20 + 20 * rng.next());
  const [c] = testbedDeadlineClaims(
    run(plantedRows(200, 1, (m, i) => (m === 'none' ? base[i] + 20 : base[i]))),
    'temperature',
    [0.7],
    { ...FAST, deadlineMs: 40 },
  );
  // none: batch means ≈ 50 ms > 40 → every batch misses; TS: ≈ 30 ms → only accuracy misses (95 % right, rare).
  assert.equal(c.measured.uncalibrated, 1);
  assert.ok(c.measured.calibrated < 0.2, `TS measured ${c.measured.calibrated}`);
  assert.equal(c.measured.verdict, 'supported');
  assert.ok(c.measured.delta.high! < -FAST.minEffect, 'the interval shown lies below −δ');
  assert.equal(c.modelled.delta.estimate, 0);
  assert.equal(c.modelled.verdict, 'inconclusive');
  assert.equal(c.pairs, 200);
  assert.equal(c.batches, 12);
  assert.equal(c.deadlineFrom, 'setting');
});

test('equal measured times: inconclusive; TS slower: contradicted', () => {
  const rng = createRng(8);
  const base = Array.from({ length: 200 }, () => 20 + 20 * rng.next());
  const [eq] = testbedDeadlineClaims(run(plantedRows(200, 2, (_, i) => base[i])), 'temperature', [0.7], {
    ...FAST,
    deadlineMs: 30,
  });
  assert.equal(eq.measured.delta.estimate, 0);
  assert.equal(eq.measured.verdict, 'inconclusive');
  const [slow] = testbedDeadlineClaims(
    run(plantedRows(200, 3, (m, i) => (m === 'none' ? base[i] : base[i] + 20))),
    'temperature',
    [0.7],
    { ...FAST, deadlineMs: 40 },
  );
  assert.equal(slow.measured.verdict, 'contradicted');
  assert.ok(slow.measured.delta.low! > 0, 'the interval shown lies above 0');
});

test('pairs by sample, not by row order; images measured under one method only are left out', () => {
  // TS is 5 ms faster on every image; times spread 0…200 ms, deadline at their mean. Paired on the
  // image, every resample sees TS miss less (a tight interval below −δ); paired by row position in
  // a reversed file, the differences would be noise.
  const rng = createRng(9);
  const base = Array.from({ length: 400 }, () => 200 * rng.next());
  const rows = plantedRows(400, 4, (m, i) => (m === 'none' ? base[i] : base[i] - 5));
  const none = rows.filter((r) => r.method === 'none');
  const ts = rows.filter((r) => r.method === 'temperature').reverse();
  const extra: MeasuredRow = { ...none[0], sample: 999 };
  const [c] = testbedDeadlineClaims(run([...none, extra, ...ts]), 'temperature', [0.7], { ...FAST, deadlineMs: 100 });
  assert.equal(c.pairs, 400);
  assert.equal(c.unpaired, 1);
  assert.equal(c.measured.verdict, 'supported');
});

test("the default deadline is the model's offloading latency: the modelled P_miss is then the accuracy plateau", () => {
  const rows = plantedRows(200, 5, () => 1000);
  const [c] = testbedDeadlineClaims(run(rows), 'temperature', [0.7], FAST);
  assert.equal(c.deadlineMs, 30);
  assert.equal(c.deadlineFrom, 'model-offload-latency');
  assert.equal(c.measured.uncalibrated, 1, 'measured 1 s > 30 ms: every batch misses');
  // 95 % right: a batch of 16 misses p_tar 0.7 only with ≥ 5 wrong; the modelled side never misses on time.
  assert.ok(c.modelled.uncalibrated < 0.05, `modelled ${c.modelled.uncalibrated}`);
});

test('fewer paired images than a batch: reported as not judged (a short run still compares); judging them directly is an error', () => {
  const [c] = testbedDeadlineClaims(run(plantedRows(10, 6, () => 1)), 'temperature', [0.7], FAST);
  assert.equal(c.pairs, 10);
  for (const j of [c.measured, c.modelled]) {
    assert.equal(j.verdict, 'inconclusive');
    assert.equal(j.delta.low, null);
    assert.match(j.delta.note ?? '', /10 paired images, fewer than one batch of 16/);
  }
  const ten = { correct: new Uint8Array(10), timeMs: new Float64Array(10) };
  assert.throws(
    () => judgePairedDeadline(ten, ten, 0.7, 1, FAST, 'Δ'),
    /missed-deadline claim: 10 paired images, expected at least one full batch of 16/,
  );
});
