import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { smoothEce } from '../../src/metrics/smoothEce';
import { resampledSmoothEce } from '../../src/metrics/resampledSmoothEce';
import { topLabelOf } from '../../src/metrics/topLabel';
import { softmaxRows } from '../../src/calibration/logitMath';
import { readRecords } from '../../src/records/csv';
import { createRng } from '../../src/util/rng';
import type { FloatArray } from '../../src/records/types';

/**
 * The resampler must give exactly what smoothEce gives on the gathered resample: the same
 * bandwidth (a different bisection decision would move σ by ≥ 2⁻¹⁰) and the value within 1e-9.
 */
function checkAgainstGathered(
  conf: FloatArray,
  correct: ArrayLike<number>,
  resamples: number,
  seed: number,
  what: string,
  cacheEntries?: number,
): void {
  const n = conf.length;
  const fast = resampledSmoothEce(conf, correct, { cacheEntries });
  const rng = createRng(seed);
  for (let r = 0; r <= resamples; r++) {
    // Resample 0 is the identity: all counts 1.
    const count = new Int32Array(n);
    const gc = new Float64Array(n);
    const gk = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const i = r === 0 ? j : rng.int(n);
      count[i]++;
      gc[j] = conf[i];
      gk[j] = correct[i];
    }
    const want = smoothEce(gc, gk);
    const got = fast(count);
    assert.equal(got.sigma, want.sigma, `${what}, resample ${r}: σ ${got.sigma} vs ${want.sigma}`);
    assert.ok(Math.abs(got.value - want.value) <= 1e-9, `${what}, resample ${r}: ${got.value} vs ${want.value}`);
  }
}

test('resampled smooth ECE equals smoothEce of the gathered resample on random data (small σ, ties, tiny n)', () => {
  const rng = createRng(11);
  const cases: Array<[number, number, boolean]> = [
    [3, 0.3, false],
    [40, 0.2, true],
    [300, 0.05, false],
    [2000, 0.01, false],
    [4000, 0, false],
  ];
  for (const [n, bias, ties] of cases) {
    const conf = new Float64Array(n);
    const correct = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let c = 0.1 + 0.9 * Math.pow(rng.next(), 0.3);
      if (ties) c = Math.round(c * 20) / 20;
      conf[i] = c;
      correct[i] = rng.next() < c - bias ? 1 : 0;
    }
    checkAgainstGathered(conf, correct, n > 1000 ? 3 : 12, n, `n ${n}, bias ${bias}`);
    // With no room to cache, every bandwidth's operator is rebuilt (the cache is emptied each time).
    if (n <= 300) checkAgainstGathered(conf, correct, 4, n + 1, `n ${n}, bias ${bias}, no cache`, 0);
  }
});

test('resampled smooth ECE equals smoothEce on the shipped records (every exit, 10,000 rows)', () => {
  const models = readdirSync('models', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  let checked = 0;
  for (const model of models) {
    let rec;
    try {
      rec = readRecords(join('models', model, 'records', 'test.csv'));
    } catch {
      continue;
    }
    for (let e = 0; e < rec.numExits; e++) {
      const tl = topLabelOf(softmaxRows(rec.logits[e], rec.numClasses), rec.labels, rec.numClasses);
      checkAgainstGathered(tl.confidence, tl.correct, 1, 50 + e, `${model} exit ${e + 1}`);
      checked++;
    }
  }
  assert.ok(checked >= 3, `only ${checked} exits checked`);
});

test('resampled smooth ECE rejects counts of the wrong length, negative or all zero', () => {
  const fast = resampledSmoothEce(Float64Array.of(0.5, 0.9), Uint8Array.of(1, 0));
  assert.throws(() => fast(Int32Array.of(1)), /1 counts, expected 2/);
  assert.throws(() => fast(Float64Array.of(1, -1)), /count\[1\] = -1/);
  assert.throws(() => fast(Int32Array.of(0, 0)), /all counts are 0/);
});
