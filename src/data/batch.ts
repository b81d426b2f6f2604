import * as tf from '@tensorflow/tfjs';
import { permutation, type Rng } from '../util/rng';
import { fillBatch, type BatchOptions } from './batchFill';
import { imageBytes, type LoadedDataset, type SplitName } from './types';

/** A batch for tfjs: normalised NHWC float32 images and their integer labels. */
export interface Batch {
  /** [n, H, W, C] float32, (pixel/255 − mean[c]) / std[c]. The caller disposes it. */
  x: tf.Tensor4D;
  /** Class index per image (0 … C−1). Integer labels rather than one-hot: the loss can use them
   * directly (`tf.oneHot(labels, C)` when needed) and they cost C× less memory. */
  labels: Int32Array;
}

/**
 * Batch of the images at `positions` (0 … size−1 within `split`) as a tfjs tensor. The float
 * buffer is filled directly from the uint8 pixels and handed to tfjs, so the only copy is the
 * batch itself. `augment` applies random crop (4-px zero padding) + horizontal flip, see `fillBatch`.
 */
export function makeBatch(ds: LoadedDataset, split: SplitName, positions: Int32Array, opts: BatchOptions = {}): Batch {
  const [h, w, c] = ds.shape;
  const x = new Float32Array(positions.length * imageBytes(ds.shape));
  const labels = fillBatch(ds, split, positions, x, opts);
  return { x: tf.tensor4d(x, [positions.length, h, w, c], 'float32'), labels };
}

/** Options of `epochBatches`. */
export interface EpochOptions extends Omit<BatchOptions, 'augment'> {
  /** Apply training augmentation, drawing from the same `rng` (default false). */
  augment?: boolean;
  /** Drop a last batch smaller than `batchSize` (default false: keep it). */
  dropLast?: boolean;
}

/**
 * One epoch of shuffled batches: first `permutation(size, rng)`, then (lazily, batch by batch)
 * augmentation draws from the same `rng`, so the whole epoch is reproducible from the seed.
 * Each yielded batch also carries its split positions.
 */
export function* epochBatches(
  ds: LoadedDataset,
  split: SplitName,
  batchSize: number,
  rng: Rng,
  opts: EpochOptions = {},
): Generator<Batch & { positions: Int32Array }> {
  const n = ds.splits[split].indices.length;
  const order = permutation(n, rng);
  const end = opts.dropLast ? n - (n % batchSize) : n;
  for (let start = 0; start < end; start += batchSize) {
    const positions = order.subarray(start, Math.min(start + batchSize, end));
    const batch = makeBatch(ds, split, positions, {
      normalization: opts.normalization,
      augment: opts.augment ? { rng } : undefined,
    });
    yield { ...batch, positions };
  }
}
