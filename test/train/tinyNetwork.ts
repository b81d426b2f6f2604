import * as tf from '@tensorflow/tfjs';
import { seededInit, type EarlyExitSpec } from '../../src/models/earlyExitNetwork';
import type { TrainingData } from '../../src/train/trainingData';
import { createRng } from '../../src/util/rng';

/**
 * The tiny two-exit network and synthetic data of the resume tests: dropout on the final exit (so
 * the tests cover reproducible dropout masks) and kernels on both exits (so weight decay applies).
 */
export function tinySpec(seed: number): EarlyExitSpec {
  let li = 0;
  return {
    name: 'tiny',
    inputShape: [8, 8, 1],
    numClasses: 3,
    stages: [
      (x) =>
        tf.layers
          .conv2d({
            filters: 4,
            kernelSize: 3,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: seededInit(seed, li++),
          })
          .apply(x) as tf.SymbolicTensor,
      (x) => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor,
    ],
    branches: [
      {
        afterStage: 0,
        head: (x, C, name) =>
          tf.layers
            .dense({ units: C, name, kernelInitializer: seededInit(seed, li++) })
            .apply(tf.layers.flatten().apply(x)) as tf.SymbolicTensor,
      },
    ],
    finalHead: (x, C, name) => {
      const f = tf.layers.dropout({ rate: 0.5 }).apply(tf.layers.flatten().apply(x)) as tf.SymbolicTensor;
      return tf.layers
        .dense({ units: C, name, kernelInitializer: seededInit(seed, li++) })
        .apply(f) as tf.SymbolicTensor;
    },
  };
}

/** n random 8×8×1 images of 3 classes; with `augmentNoise`, batches add noise from the augmentation RNG. */
export function syntheticData(n: number, augmentNoise = false): TrainingData {
  const rng = createRng(99);
  const xs = new Float32Array(n * 64).map(() => rng.normal());
  const ys = new Int32Array(n).map(() => rng.int(3));
  return {
    numClasses: 3,
    size: (split) => (split === 'train' ? n : 16),
    batch: (_split, pos, aug) => {
      const x = new Float32Array(pos.length * 64);
      pos.forEach((p, i) => x.set(xs.subarray(p * 64, p * 64 + 64), i * 64));
      // Use the augmentation RNG so the test covers its checkpointed state.
      if (aug && augmentNoise) for (let i = 0; i < x.length; i += 7) x[i] += aug.normal() * 0.1;
      return { x: tf.tensor4d(x, [pos.length, 8, 8, 1]), labels: ys.slice(0, pos.length).map((_, i) => ys[pos[i]]) };
    },
  };
}
