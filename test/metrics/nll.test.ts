import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, nllFromLogits, nllFromProbabilities } from '../../src/metrics';
import { near, reference, referenceData } from '../calibration/reference';

test('NLL from probabilities and from logits, against hand values and scipy', () => {
  assert.ok(near(nllFromProbabilities(Float64Array.from([0.5, 0.5]), Int32Array.from([0]), 2), Math.LN2, 1e-15));
  // An underflowed probability costs −ln(5e−324) ≈ 744.4 nats, never Infinity.
  assert.ok(
    near(nllFromProbabilities(Float64Array.from([1, 0]), Int32Array.from([1]), 2), -Math.log(Number.MIN_VALUE), 1e-15),
  );
  const ref = reference();
  const { C, z, y } = referenceData();
  assert.ok(near(nllFromLogits(z, y, C), ref.temperature.nllAt1, 1e-13));
  assert.ok(near(nllFromLogits(z, y, C, ref.temperature.grid), ref.temperature.nllAtOptimum, 1e-13));
  // Log space stays exact where probabilities underflow: logits (0, 1000), label 0 → 1000 nats.
  assert.ok(near(nllFromLogits(Float64Array.from([0, 1000]), Int32Array.from([0]), 2), 1000, 1e-15));
});

test('accuracy and bad input', () => {
  assert.equal(accuracy(Int32Array.from([1, 2, 3, 0]), Int32Array.from([1, 2, 0, 0])), 0.75);
  assert.throws(() => accuracy(Int32Array.from([1]), Int32Array.from([1, 2])), /1 predictions but 2 labels/);
  assert.throws(() => nllFromLogits(Float64Array.from([0, NaN]), Int32Array.from([0]), 2), /NaN or ±Infinity/);
  assert.throws(() => nllFromLogits(Float64Array.from([0, 1]), Int32Array.from([0]), 2, 0), /temperature 0/);
});
