import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedClaims } from '../plantedClaims';
import { fitTemperatureExact } from '../../../src/calibration/temperatureFit';
import { drawIndices } from '../../../src/study/stats/resample';
import { takeRows } from '../../../src/metrics/bootstrap';
import { createRng } from '../../../src/util/rng';

/**
 * "Calibration offloads more" is marked as holding by construction only when its premise (every
 * device confidence lowered) holds under the same resampling as the verdict, not on the one fit
 * on the whole split: planted records barely overconfident (T slightly > 1 on the whole split,
 * ≤ 1 on some resamples) are not marked; clearly overconfident ones are.
 */
function offloadingClaims(sharpen: number) {
  const { val, calibration, claims } = plantedClaims({
    sharpen,
    rounds: 5,
    exitNames: ['a', 'b', 'c'],
    methods: ['temperature'],
  });
  return {
    val,
    temps: calibration.rows.map((r) => r.temperature as number),
    claims: claims.filter((c) => c.id.includes('offloading-probability')),
  };
}

test('by construction only when every refit lowers every device confidence', () => {
  const weak = offloadingClaims(1.06);
  assert.ok(
    weak.temps[0] > 1 && weak.temps[1] > 1,
    `whole-split T of the device exits ${weak.temps.join(', ')} are > 1 (the old, one-fit premise)`,
  );
  // The premise is genuinely uncertain: some resamples fit T ≤ 1 at exit 1.
  const rng = createRng(5);
  const resampled = Array.from({ length: 100 }, () => {
    const idx = drawIndices(weak.val.numSamples, rng);
    return fitTemperatureExact(
      takeRows(weak.val.logits[0], idx, weak.val.numClasses),
      takeRows(weak.val.labels, idx),
      weak.val.numClasses,
    ).temperature;
  });
  assert.ok(
    resampled.some((t) => t <= 1),
    'some resample fits T ≤ 1',
  );
  assert.deepEqual(
    weak.claims.map((c) => c.construction),
    [undefined, undefined],
  );
  const strong = offloadingClaims(2);
  assert.deepEqual(
    strong.claims.map((c) => c.construction),
    [
      { kind: 'device-temperatures-above-one', k: 1 },
      { kind: 'device-temperatures-above-one', k: 2 },
    ],
  );
});
