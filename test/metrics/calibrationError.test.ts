import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binStats, calibrationError, ece, mce, rmsce, topLabelOf } from '../../src/metrics';
import { softmaxRows } from '../../src/calibration';
import { EecalError, ShapeMismatchError } from '../../src/errors';
import { near, reference, referenceData } from '../calibration/reference';

// Hand-built: confidences on bin edges, exactly 0 and exactly 1, and 12 empty bins.
const conf = Float64Array.from([0, 1 / 15, 0.5, 0.5, 1, 0.95]);
const correct = Uint8Array.from([0, 1, 1, 0, 1, 0]);

test('hand-built ECE / RMSCE / MCE: edges, confidence 0 and 1, empty bins', () => {
  // bin 1 (0, 1/15] holds 0 and 1/15: conf 1/30, acc 1/2; bin 8 holds the 0.5s (gap 0);
  // bin 15 holds 0.95 and 1: conf 0.975, acc 1/2.
  const gapLow = 0.5 - 1 / 30;
  const gapHigh = 0.475;
  assert.ok(near(ece(conf, correct), (gapLow + gapHigh) / 3, 1e-15));
  assert.ok(near(rmsce(conf, correct), Math.sqrt((gapLow ** 2 + gapHigh ** 2) / 3), 1e-15));
  assert.ok(near(mce(conf, correct), gapHigh, 1e-15));
  const bins = binStats(conf, correct);
  assert.equal(bins.length, 15);
  assert.deepEqual(
    bins.map((b) => b.count),
    [2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2],
  );
  assert.equal(bins[0].lo, 0);
  assert.equal(bins[14].hi, 1);
  assert.ok(near(bins[14].meanConfidence, 0.975, 1e-15));
  assert.equal(bins[14].accuracy, 0.5);
  assert.ok(near(bins[14].gap, 0.475, 1e-15), 'gap = meanConfidence − accuracy (over-confident > 0)');
  const empty = bins[3];
  assert.deepEqual([empty.count, empty.meanConfidence, empty.accuracy, empty.gap], [0, 0, 0, 0]);
});

test('membership is lo < c ≤ hi: a confidence on an edge belongs to the lower bin', () => {
  const edges = [1, 2, 3, 4, 5].map((b) => b / 5);
  const bins = binStats(Float64Array.from(edges), Uint8Array.from([1, 1, 1, 1, 1]), { bins: 5 });
  assert.deepEqual(
    bins.map((b) => b.count),
    [1, 1, 1, 1, 1],
  );
  bins.forEach((b, i) => assert.equal(b.meanConfidence, edges[i]));
});

test('15-bin ECE equals the Guo et al. / torchmetrics definition (torch reference), RMSCE and MCE too', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const tl = topLabelOf(softmaxRows(z, C), y, C);
  const r = calibrationError(tl.confidence, tl.correct);
  assert.ok(near(r.value, ref.metrics.eceGuo, 1e-13), `${r.value} vs ${ref.metrics.eceGuo}`);
  assert.ok(near(rmsce(tl.confidence, tl.correct), ref.metrics.rmsce, 1e-13));
  assert.ok(near(mce(tl.confidence, tl.correct), ref.metrics.mce, 1e-13));
  r.bins.forEach((b, i) => {
    const t = ref.metrics.table[i];
    assert.equal(b.count, t.count);
    assert.ok(near(b.meanConfidence, t.meanConfidence, 1e-13) && near(b.accuracy, t.accuracy, 1e-13), `bin ${i}`);
  });
  const atOpt = topLabelOf(softmaxRows(z, C, ref.temperature.grid), y, C);
  assert.ok(near(ece(atOpt.confidence, atOpt.correct), ref.metrics.eceGuoAtOptimum, 1e-9));
});

test("equal-mass ECE matches Kumar et al.'s get_ece_em", () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const tl = topLabelOf(softmaxRows(z, C), y, C);
  assert.ok(near(ece(tl.confidence, tl.correct, { scheme: 'equal-mass' }), ref.metrics.eceEqualMass, 1e-13));
});

test('bad input: NaN or out-of-range confidence, length mismatch, no samples, bad bin count', () => {
  assert.throws(
    () => ece(Float64Array.from([0.5, NaN]), Uint8Array.from([1, 0])),
    (e: unknown) => e instanceof EecalError && /confidence\[1\] = NaN/.test((e as Error).message),
  );
  assert.throws(
    () => ece(Float64Array.from([1.2]), Uint8Array.from([1])),
    /confidence\[0\] = 1.2: expected a probability in \[0, 1\]/,
  );
  assert.throws(() => ece(Float64Array.from([0.5]), Uint8Array.from([1, 0])), ShapeMismatchError);
  assert.throws(() => ece(new Float64Array(0), new Uint8Array(0)), /no samples/);
  assert.throws(() => ece(conf, correct, { bins: 0 }), /bins = 0: expected an integer ≥ 1/);
});

test('bad input: a correctness flag other than 0 or 1 is an error, not an ECE above 1 (review regression)', () => {
  // Before the check, correct = [2] gave ECE |0.5 − 2| = 1.5 silently.
  assert.throws(
    () => ece(Float64Array.from([0.5]), Uint8Array.from([2])),
    /correct\[0\] = 2: expected 1 \(prediction right\) or 0 \(wrong\)/,
  );
  assert.throws(
    () => calibrationError(Float64Array.from([0.5, 0.7]), Float64Array.from([1, 0.5])),
    /correct\[1\] = 0.5/,
  );
  assert.throws(() => binStats(Float64Array.from([0.5]), Float64Array.from([NaN])), /correct\[0\] = NaN/);
  assert.equal(ece(Float64Array.from([0.5, 0.5]), Float64Array.from([1, 0])), 0, 'float flags 0 and 1 are accepted');
});
