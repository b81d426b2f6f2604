import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng';

export type SplitName = 'train' | 'val' | 'test';

/**
 * What the trainer needs from a dataset: split sizes and batches as tensors. Keeping it this small
 * lets any loader (or a test's synthetic data) drive training.
 */
export interface TrainingData {
  numClasses: number;
  size(split: SplitName): number;
  /**
   * Normalised NHWC float32 batch for the given positions within a split, plus their labels.
   * With `augmentRng`, apply training augmentation driven by that generator.
   */
  batch(split: SplitName, positions: Int32Array, augmentRng?: Rng): { x: tf.Tensor4D; labels: Int32Array };
}
