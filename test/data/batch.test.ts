import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { makeBatch, epochBatches } from '../../src/data/batch';
import { fillBatch } from '../../src/data/batchFill';
import type { ImageSet, LoadedDataset } from '../../src/data/types';
import { createRng, type Rng } from '../../src/util/rng';

/** A dataset of `n` h×w×c images whose pixel values are given. */
function tinyDataset(
  shape: [number, number, number],
  images: number[][],
  labels: number[],
  norm = { mean: [0], std: [1] },
): LoadedDataset {
  const set: ImageSet = {
    name: 'train',
    source: 'mem',
    pixels: Uint8Array.from(images.flat()),
    labels: Int32Array.from(labels),
    count: images.length,
  };
  const all = Int32Array.from(images.map((_, i) => i));
  return {
    name: 'tiny',
    source: 'mem',
    classNames: ['a', 'b', 'c'],
    shape,
    sets: { train: set, test: set },
    splits: { train: { set, indices: all }, val: { set, indices: Int32Array.from([1]) }, test: { set, indices: all } },
    normalization: norm,
    splitSeed: 0,
  };
}

/** An Rng that returns scripted draws, to check the documented draw order exactly. */
function scripted(ints: number[], floats: number[]): Rng {
  return {
    int: (n) => {
      const v = ints.shift()!;
      assert.ok(v < n);
      return v;
    },
    next: () => floats.shift()!,
    fillInts: () => assert.fail('batching draws one integer at a time'),
    normal: () => 0,
    state: () => 0,
  };
}

const img3 = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // 3×3×1, row-major

test('normalises per channel: (v/255 − mean[c]) / std[c], NHWC, positions index the split', () => {
  const ds = tinyDataset(
    [1, 2, 2],
    [
      [0, 255, 51, 102],
      [255, 0, 0, 255],
    ],
    [2, 1],
    { mean: [0.2, 0.4], std: [0.5, 0.25] },
  );
  const out = new Float32Array(4);
  // val split = [image 1]; position 0 of val is image 1.
  const labels = fillBatch(ds, 'val', Int32Array.from([0]), out);
  assert.deepEqual([...labels], [1]);
  const expected = [(1 - 0.2) / 0.5, (0 - 0.4) / 0.25, (0 - 0.2) / 0.5, (1 - 0.4) / 0.25];
  expected.forEach((e, i) => assert.ok(Math.abs(out[i] - e) < 1e-6, `${out[i]} vs ${e}`));
});

test('augmentation = crop of the zero-padded image, then horizontal flip (hand-computed)', () => {
  const ds = tinyDataset([3, 3, 1], [img3], [0], { mean: [0], std: [1 / 255] }); // identity scale: out = pixel
  const out = new Float32Array(9);
  // pad 1: top draw 0 → padded rows 0..2, left draw 2 → padded cols 2..4, next 0.2 < 0.5 → flip.
  fillBatch(ds, 'train', Int32Array.from([0]), out, { augment: { rng: scripted([0, 2], [0.2]), pad: 1 } });
  // cropped = [0 0 0; 2 3 0; 5 6 0], flipped → [0 0 0; 0 3 2; 0 6 5]
  assert.deepEqual([...out].map(Math.round), [0, 0, 0, 0, 3, 2, 0, 6, 5]);
  // No flip (0.7), centred crop (1, 1) → the image itself.
  fillBatch(ds, 'train', Int32Array.from([0]), out, { augment: { rng: scripted([1, 1], [0.7]), pad: 1 } });
  assert.deepEqual([...out].map(Math.round), img3);
  // Crop at the bottom-right corner (2, 2): [5 6 0; 8 9 0; 0 0 0]
  fillBatch(ds, 'train', Int32Array.from([0]), out, { augment: { rng: scripted([2, 2], [0.9]), pad: 1 } });
  assert.deepEqual([...out].map(Math.round), [5, 6, 0, 8, 9, 0, 0, 0, 0]);
});

test('padding is raw black: (0 − mean)/std after normalisation', () => {
  const ds = tinyDataset([3, 3, 1], [img3], [0], { mean: [0.5], std: [0.25] });
  const out = new Float32Array(9);
  fillBatch(ds, 'train', Int32Array.from([0]), out, { augment: { rng: scripted([0, 0], [0.9]), pad: 1 } });
  assert.ok(Math.abs(out[0] - -2) < 1e-6);
  assert.ok(Math.abs(out[4] - (1 / 255 - 0.5) / 0.25) < 1e-6);
});

test('makeBatch returns an NHWC float32 tensor and integer labels; augmentation reproducible from the seed', async () => {
  const images = Array.from({ length: 4 }, (_, i) =>
    Array.from({ length: 8 * 8 * 3 }, (_, j) => (i * 37 + j * 11) % 256),
  );
  const ds = tinyDataset([8, 8, 3], images, [0, 1, 2, 0], { mean: [0.1, 0.2, 0.3], std: [0.2, 0.3, 0.4] });
  const b = makeBatch(ds, 'train', Int32Array.from([3, 1]));
  assert.deepEqual(b.x.shape, [2, 8, 8, 3]);
  assert.equal(b.x.dtype, 'float32');
  assert.deepEqual([...b.labels], [0, 1]);
  const x = await b.x.data();
  assert.ok(Math.abs(x[0] - (images[3][0] / 255 - 0.1) / 0.2) < 1e-6);
  b.x.dispose();
  const run = (seed: number) =>
    Array.from(
      makeBatch(ds, 'train', Int32Array.from([0, 1, 2, 3]), { augment: { rng: createRng(seed) } }).x.dataSync(),
    );
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
  assert.throws(() => makeBatch(ds, 'val', Int32Array.from([1])), /batch position 1: expected 0 … 0 in split "val"/);
  tf.disposeVariables();
});

test('epochBatches covers every position once per epoch, same order for the same seed', () => {
  const images = Array.from({ length: 10 }, (_, i) => [i]);
  const ds = tinyDataset(
    [1, 1, 1],
    images,
    images.map((_, i) => i % 3),
  );
  const epoch = (seed: number) =>
    [...epochBatches(ds, 'train', 4, createRng(seed))].map((b) => {
      b.x.dispose();
      return [...b.positions];
    });
  const a = epoch(3);
  assert.deepEqual(
    a.map((p) => p.length),
    [4, 4, 2],
  );
  assert.deepEqual(
    a.flat().sort((p, q) => p - q),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.deepEqual(epoch(3), a);
  assert.deepEqual(
    [...epochBatches(ds, 'train', 4, createRng(3), { dropLast: true })].map((b) => b.positions.length),
    [4, 4],
  );
});
