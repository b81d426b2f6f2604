import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from '../plantedRecords';
import { drawIndices } from '../../../src/study/stats/resample';
import { resampledNllInT } from '../../../src/study/stats/resampledNll';
import { shiftedRows } from '../../../src/study/stats/refitKeys';
import { fitTemperatureTorchLbfgs, torchLbfgsTemperature } from '../../../src/calibration/torchLbfgs';
import { takeRows } from '../../../src/metrics/bootstrap';
import { createRng } from '../../../src/util/rng';

// The verdicts' torch-lbfgs refit must give the temperature of the fit on the copied rows bit for
// bit (the report's numbers may not move when the refit gets faster): exact equality, not a tolerance.
test("torch-lbfgs on a resample without copying rows gives the copied rows' fit bit for bit", () => {
  const val = plantedRecords({ numSamples: 700, seed: 21, sharpen: 1.7 });
  const C = val.numClasses;
  for (let r = 0; r < 6; r++) {
    const idx = drawIndices(val.numSamples, createRng(100 + r));
    for (let e = 0; e < val.numExits; e++) {
      const want = fitTemperatureTorchLbfgs(takeRows(val.logits[e], idx, C), takeRows(val.labels, idx), C);
      const got = torchLbfgsTemperature(resampledNllInT(shiftedRows(val.logits[e], val.labels, C), idx));
      assert.ok(Math.abs(want.temperature - 1.5) > 1e-3, 'the fit moved from its start');
      assert.equal(got.temperature, want.temperature, `replicate ${r} exit ${e + 1}`);
      assert.equal(got.nll, want.nll);
      assert.equal(got.iterations, want.iterations);
    }
  }
});

test('the resampled objective equals the NLL and dNLL/dT computed by hand', () => {
  // 3 rows, 2 classes, resample [2, 0, 2]: NLL = mean of −log softmax(z/T)_y over those rows.
  const logits = Float64Array.from([2, 0, 0, 1, 3, 1]);
  const labels = Int32Array.from([0, 0, 1]);
  const f = resampledNllInT(shiftedRows(logits, labels, 2), Int32Array.from([2, 0, 2]));
  const T = 2;
  const nll = (z: number[], y: number, t: number) =>
    -Math.log(Math.exp(z[y] / t) / (Math.exp(z[0] / t) + Math.exp(z[1] / t)));
  const L = (t: number) => (nll([3, 1], 1, t) + nll([2, 0], 0, t) + nll([3, 1], 1, t)) / 3;
  const [loss, grad] = f(T);
  assert.ok(Math.abs(loss - L(T)) < 1e-12, `${loss} vs ${L(T)}`);
  const h = 1e-6;
  assert.ok(Math.abs(grad - (L(T + h) - L(T - h)) / (2 * h)) < 1e-7, `${grad}`);
});
