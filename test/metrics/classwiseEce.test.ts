import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveEce, classwiseEce } from '../../src/metrics';
import { softmaxRows } from '../../src/calibration';
import { near, reference, referenceData } from '../calibration/reference';

test('classwise ECE by hand: a probability of exactly 0 is binned in the first bin', () => {
  const probs = Float64Array.from([1, 0, 0.5, 0.5, 0.2, 0.8]);
  const labels = Int32Array.from([0, 1, 1]);
  // class 0: bin (0, .5] holds .5 and .2 (conf .35, freq 0), bin (.5, 1] holds 1 (freq 1) → 2/3·0.35;
  // class 1: bin (0, .5] holds 0 and .5 (conf .25, freq .5), bin (.5, 1] holds .8 (freq 1) → 2/3·.25 + 1/3·.2.
  const r = classwiseEce(probs, labels, 2, { bins: 2 });
  assert.ok(near(r.perClass[0], (2 / 3) * 0.35, 1e-15));
  assert.ok(near(r.perClass[1], (2 / 3) * 0.25 + (1 / 3) * 0.2, 1e-15));
  assert.ok(near(r.value, (r.perClass[0] + r.perClass[1]) / 2, 1e-15));
});

test('a class that never occurs is scored by its mean probability (frequency 0 in every bin)', () => {
  const probs = Float64Array.from([0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.5, 0.2, 0.3]);
  const labels = Int32Array.from([0, 1, 0]);
  const r = classwiseEce(probs, labels, 3);
  assert.ok(near(r.perClass[2], (0.1 + 0.1 + 0.3) / 3, 1e-15));
  assert.ok(Number.isFinite(r.value));
});

test('classwise and adaptive (Nixon et al.) ECE match the numpy reference', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const p = softmaxRows(z, C);
  assert.ok(near(classwiseEce(p, y, C).value, ref.metrics.classwiseEce, 1e-13));
  assert.ok(near(adaptiveEce(p, y, C).value, ref.metrics.adaptiveEce, 1e-13));
});

test('bad input: label out of range, shape mismatch, probability outside [0, 1]', () => {
  assert.throws(
    () => classwiseEce(Float64Array.from([0.5, 0.5]), Int32Array.from([2]), 2),
    /label\[0\] = 2: expected a class in \[0, 1\]/,
  );
  assert.throws(
    () => classwiseEce(Float64Array.from([0.5, 0.5, 1]), Int32Array.from([0]), 2),
    /expected 1 samples × 2 classes/,
  );
  assert.throws(
    () => classwiseEce(Float64Array.from([1.5, -0.5]), Int32Array.from([0]), 2),
    /sample 0, class 0 is 1.5/,
  );
});
