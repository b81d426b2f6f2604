import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BetaCalibration,
  HistogramBinning,
  IsotonicRegression,
  PlattScaling,
  poolAdjacentViolators,
  softmaxRows,
  topLabelLogits,
} from '../../src/calibration';
import { topLabelOf } from '../../src/metrics';
import { maxAbsDiff, near, reference, referenceData } from './reference';

test('PAV by hand: violators are pooled into weighted means', () => {
  assert.deepEqual(
    [...poolAdjacentViolators(Float64Array.from([1, 3, 2, 4]), Float64Array.from([1, 1, 1, 1]))],
    [1, 2.5, 2.5, 4],
  );
  assert.deepEqual(
    [...poolAdjacentViolators(Float64Array.from([3, 2, 1]), Float64Array.from([1, 1, 2]))],
    [1.75, 1.75, 1.75],
  );
});

test('isotonic regression equals sklearn IsotonicRegression(out_of_bounds="clip"): knots and test predictions', () => {
  const ref = reference();
  const { C, z, y, zTest } = referenceData();
  const iso = new IsotonicRegression().fit(z, y, C);
  const st = iso.toJSON() as { x: number[]; y: number[] };
  assert.equal(st.x.length, ref.isotonic.x.length);
  assert.ok(maxAbsDiff(st.x, ref.isotonic.x) < 1e-15 && maxAbsDiff(st.y, ref.isotonic.y) < 1e-15);
  const g = iso.confidences(zTest);
  assert.ok(maxAbsDiff(topLabelLogits(zTest, C).confidence, ref.isotonic.testConfidence) < 1e-15);
  assert.ok(maxAbsDiff(g, ref.isotonic.testPrediction) < 1e-12, 'out-of-range confidences are clipped like sklearn');
});

test('Platt and beta calibration equal sklearn LogisticRegression (C = 1e10) on the same features', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const platt = new PlattScaling().fit(z, y, C).toJSON() as { a: number; b: number };
  assert.ok(near(platt.a, ref.platt.a, 1e-8) && near(platt.b, ref.platt.b, 1e-8), JSON.stringify([platt, ref.platt]));
  const beta = new BetaCalibration().fit(z, y, C).toJSON() as { a: number; b: number; m: number };
  for (const k of ['a', 'b', 'm'] as const)
    assert.ok(near(beta[k], ref.beta[k], 1e-7), `${k}: ${beta[k]} vs ${ref.beta[k]}`);
});

test('histogram binning: bin accuracies (numpy reference), empty bins keep their midpoint and warn', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const h = new HistogramBinning().fit(z, y, C);
  const st = h.toJSON() as { edges: number[]; values: number[] };
  assert.ok(maxAbsDiff(st.edges, ref.histogram.edges) < 1e-16);
  assert.ok(maxAbsDiff(st.values, ref.histogram.values) < 1e-15);
  const emptyBins = ref.histogram.values.filter(
    (v, b) => v === (ref.histogram.edges[b] + ref.histogram.edges[b + 1]) / 2,
  ).length;
  assert.ok(emptyBins > 0, 'the fixture has empty low-confidence bins (confidence ≥ 1/C)');
  assert.ok(h.report!.warnings.some((w) => w.includes(`${emptyBins} of 15 bins had no fitting sample`)));
});

test('top-label probabilities: top class gets g(c), the others share 1 − g(c) in their softmax ratios', () => {
  const { C, z, y } = referenceData();
  for (const cal of [new IsotonicRegression(), new PlattScaling(), new BetaCalibration(), new HistogramBinning()]) {
    cal.fit(z, y, C);
    const p = cal.probabilities(z);
    const g = cal.confidences(z);
    const raw = softmaxRows(z, C);
    const top = topLabelLogits(z, C).prediction;
    for (let i = 0; i < y.length; i++) {
      const row = p.subarray(i * C, (i + 1) * C);
      assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-12, `${cal.kind} row ${i} sums to 1`);
      assert.equal(row[top[i]], g[i]);
      const others = [...Array(C).keys()].filter((k) => k !== top[i]);
      const [a, b] = others;
      assert.ok(near(row[a] * raw[i * C + b], row[b] * raw[i * C + a], 1e-12), 'ratios of the other classes are kept');
    }
    // Calibrating the confidence lowers this over-confident model's ECE on its own data.
    const r = cal.report!;
    assert.ok(r.eceAfter < r.eceBefore, `${cal.kind}: ${r.eceAfter} < ${r.eceBefore}`);
    assert.equal(topLabelOf(p, y, C).confidence.length, y.length);
  }
});

test('top-label calibrators stay finite when the confidence rounds to exactly 1', () => {
  const z = Float64Array.from([60, 0, 0, 0, 1, 0, 0, 0.5, 0.2, 45, 0, 1]);
  const y = Int32Array.from([0, 1, 1, 0]);
  const t = topLabelLogits(z, 3);
  assert.equal(t.confidence[0], 1);
  assert.ok(near(t.logOneMinusConfidence[0], Math.log(2) - 60, 1e-12), 'ln(1 − c) from the other logits');
  for (const cal of [new PlattScaling(), new BetaCalibration()]) {
    const p = cal.fit(z, y, 3).probabilities(z);
    assert.ok(p.every(Number.isFinite), cal.kind);
  }
});
