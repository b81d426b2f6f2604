import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { dropoutMultipliers, multipliersOf, type DropoutSite } from '../../src/train/replicas/dropoutMultipliers';
import { dropoutSeed } from '../../src/train/dropoutSeeds';

/** tfjs's own Dropout arithmetic as tensor ops: floor(U + keep) / keep on float32 tensors. */
function tensorMultipliers(sites: DropoutSite[], batch: number, seed: number, step: number): Float32Array[] {
  return sites.map((s) =>
    tf.tidy(() => {
      const keep = 1 - s.rate;
      const u = tf.randomUniform([batch, s.units], 0, 1, 'float32', dropoutSeed(seed, step, s.layerIndex));
      return tf.div(tf.floor(tf.add(u, keep)), keep).dataSync() as Float32Array;
    }),
  );
}

test("dropout multipliers are the bytes of tfjs's tensor arithmetic, for rates whose keep is inexact in float32", async () => {
  await tf.setBackend('cpu');
  // 0.1, 0.3, 0.7: 1 − rate is not a float32, so U + keep rounds; 0.5 and 0.25 are exact.
  const sites: DropoutSite[] = [0.5, 0.1, 0.3, 0.7, 0.25].map((rate, i) => ({ layerIndex: 3 + i, rate, units: 300 }));
  let dropped = 0,
    total = 0;
  for (const [seed, step] of [
    [1, 0],
    [1, 1],
    [7, 123],
    [42, 99999],
  ]) {
    const want = tensorMultipliers(sites, 64, seed, step);
    const got = dropoutMultipliers(sites, 64, seed, step);
    got.forEach((g, i) => {
      assert.deepEqual(
        Buffer.from(g.buffer, g.byteOffset, g.byteLength),
        Buffer.from(want[i].buffer, want[i].byteOffset, want[i].byteLength),
        `seed ${seed} step ${step} rate ${sites[i].rate}`,
      );
      dropped += g.filter((v) => v === 0).length;
      total += g.length;
    });
  }
  // The masks do drop: about the mean rate (0.37) of all units.
  assert.ok(Math.abs(dropped / total - 0.37) < 0.01, `dropped ${dropped / total}`);
});

test('a uniform whose sum with keep rounds up to 1 in float32 keeps its unit, as the tensor add does', async () => {
  await tf.setBackend('cpu');
  const keep = Math.fround(0.9);
  // 1 − keep is a float32 (keep is a multiple of 2⁻²⁴); u = that − 2⁻²⁷ makes u + keep = 1 − 2⁻²⁷
  // exactly, which float32 rounds to 1: kept. In double arithmetic the floor would give 0.
  const edge = Math.fround(1 - keep) - 2 ** -27;
  const u = Float32Array.from([edge, Math.fround(edge - 2 ** -24), 0, 0.5, Math.fround(0.99999994)]);
  assert.equal(Math.fround(edge), edge);
  const want = tf.tidy(() => tf.div(tf.floor(tf.add(tf.tensor1d(u), 1 - 0.1)), 1 - 0.1).dataSync() as Float32Array);
  assert.deepEqual(Array.from(multipliersOf(u, 0.1)), Array.from(want));
  assert.deepEqual(
    Array.from(want).map((v) => v > 0),
    [true, false, false, true, true],
  );
});
