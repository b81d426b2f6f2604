import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeSoftmax } from '../../../src/backend/nativeBlas';
import { shiftRows, temperatureConfidence } from '../../../src/study/stats/testConfidences';
import { plantedRecords } from '../plantedRecords';

const skip = nativeSoftmax() || process.env.EECAL_REQUIRE_NATIVE === '1' ? false : 'native addon not built';

// The verdicts' numbers may not depend on whether the addon is built: same bits on both paths.
test('refitted test confidences: the native kernel and the JavaScript loop agree bit for bit', { skip }, () => {
  const rec = plantedRecords({ numSamples: 1001, seed: 17, sharpen: 2 });
  const C = rec.numClasses;
  for (let e = 0; e < rec.numExits; e++) {
    const d = shiftRows(rec.logits[e], rec.numSamples, C);
    for (const beta of [1 / 1.5, 0.9, 3, -0.4]) {
      const a = temperatureConfidence(d, beta, rec.numSamples, C);
      const b = temperatureConfidence(d, beta, rec.numSamples, C, true);
      const i = a.findIndex((v, j) => !Object.is(v, b[j]));
      assert.equal(i, -1, `exit ${e + 1}, β = ${beta}: row ${i}`);
    }
  }
});

test('refitted test confidences equal 1 / Σ exp(β·d) by hand', () => {
  // Two rows, two classes: shifted [0, −1] and [−2, 0]; at β = 0.5, 1/(1 + e^−0.5) and 1/(e^−1 + 1).
  const d = shiftRows(Float64Array.from([3, 2, 1, 3]), 2, 2);
  for (const jsOnly of [false, true]) {
    const c = temperatureConfidence(d, 0.5, 2, 2, jsOnly);
    assert.ok(Math.abs(c[0] - 1 / (1 + Math.exp(-0.5))) < 1e-15);
    assert.ok(Math.abs(c[1] - 1 / (Math.exp(-1) + 1)) < 1e-15);
  }
});
