import * as tf from '@tensorflow/tfjs';
import { buildEarlyExitNetwork, seededInit, type EarlyExitNetwork, type EarlyExitSpec } from './earlyExitNetwork';
import { lrn } from './lrnLayer';

/**
 * B-AlexNet for 32×32×3 inputs, exactly BranchyNet's `alex_cifar10.py` (docs/paper-notes.md#b-alexnet):
 * trunk conv5(32) → pool → LRN → conv5(64) ⟨branch 1⟩ → relu → pool → LRN → conv3(96) ⟨branch 2⟩
 * → relu → conv3(96) → conv3(64) → pool → FC256 → FC128 → FC10; 3 exits; all pools are 3×3/2 with
 * 'same' padding, which equals Chainer's ceil-mode (cover_all) pooling (32→16→8→4→2).
 * Branches attach *pre-ReLU* to conv2 and conv3, as in the reference code.
 * Parameters: trunk 544,074; branch 1 32,842; branch 2 28,970.
 */
export function bAlexNetSpec(opts: { numClasses?: number; seed?: number; inputShape?: [number, number, number] } = {}): EarlyExitSpec {
  const seed = opts.seed ?? 0;
  let li = 0;
  const conv = (filters: number, k: number, name: string, activation: 'relu' | 'linear') =>
    tf.layers.conv2d({ filters, kernelSize: k, padding: 'same', activation, name, kernelInitializer: seededInit(seed, li++) });
  const pool = (name: string) => tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name });
  const dense = (units: number, name: string, activation: 'relu' | 'linear') =>
    tf.layers.dense({ units, activation, name, kernelInitializer: seededInit(seed, li++) });
  const relu = (name: string) => tf.layers.reLU({ name });
  const apply = (x: tf.SymbolicTensor, layers: tf.layers.Layer[]) =>
    layers.reduce((t, l) => l.apply(t) as tf.SymbolicTensor, x);

  return {
    name: 'b-alexnet',
    inputShape: opts.inputShape ?? [32, 32, 3],
    numClasses: opts.numClasses ?? 10,
    stages: [
      (x) => apply(x, [conv(32, 5, 'conv1', 'relu'), pool('pool1'), lrn({ name: 'lrn1' }), conv(64, 5, 'conv2', 'linear')]),
      (x) => apply(x, [relu('relu2'), pool('pool2'), lrn({ name: 'lrn2' }), conv(96, 3, 'conv3', 'linear')]),
      (x) => apply(x, [relu('relu3'), conv(96, 3, 'conv4', 'relu'), conv(64, 3, 'conv5', 'relu'), pool('pool5')]),
    ],
    branches: [
      {
        afterStage: 0, // norm() + conv(64) + conv(32) + cap(512)
        head: (x, C, out) =>
          apply(x, [
            relu('b1_relu'), pool('b1_pool1'), lrn({ name: 'b1_lrn' }),
            conv(32, 3, 'b1_conv1', 'relu'), conv(32, 3, 'b1_conv2', 'relu'),
            pool('b1_pool2'), tf.layers.flatten({ name: 'b1_flatten' }), dense(C, out, 'linear'),
          ]),
      },
      {
        afterStage: 1, // norm() + conv(96) + cap(128)
        head: (x, C, out) =>
          apply(x, [
            relu('b2_relu'), pool('b2_pool1'), lrn({ name: 'b2_lrn' }),
            conv(32, 3, 'b2_conv1', 'relu'), pool('b2_pool2'),
            tf.layers.flatten({ name: 'b2_flatten' }), dense(C, out, 'linear'),
          ]),
      },
    ],
    finalHead: (x, C, out) =>
      apply(x, [
        tf.layers.flatten({ name: 'flatten' }),
        dense(256, 'fc1', 'relu'), tf.layers.dropout({ rate: 0.5, name: 'drop1' }),
        dense(128, 'fc2', 'relu'), tf.layers.dropout({ rate: 0.5, name: 'drop2' }),
        dense(C, out, 'linear'),
      ]),
  };
}

/** Build B-AlexNet: a LayersModel with outputs branch1, branch2, final (logits, no softmax). */
export function buildBAlexNet(opts: { numClasses?: number; seed?: number } = {}): EarlyExitNetwork {
  return buildEarlyExitNetwork(bAlexNetSpec(opts));
}
