import * as tf from '@tensorflow/tfjs';
import { buildEarlyExitNetwork, seededInit, type EarlyExitNetwork, type EarlyExitSpec } from './earlyExitNetwork';

/**
 * B-LeNet for 28×28×1 MNIST, after BranchyNet's `lenet_mnist.py`: one side branch after the first
 * conv block, final exit after a LeNet-5-style trunk. A small, fast second model (trains to ≥ 97%
 * in a few minutes on one CPU core).
 * Trunk: conv5(5) → pool2 → relu ⟨branch⟩ → conv5(10) → pool2 → relu → conv5(20) → pool2 → relu → FC84 → FC10.
 * Branch: conv3(10) → pool2 → relu → FC10.
 */
export function bLeNetSpec(opts: { numClasses?: number; seed?: number } = {}): EarlyExitSpec {
  const seed = opts.seed ?? 0;
  let li = 0;
  const conv = (filters: number, k: number, name: string) =>
    tf.layers.conv2d({ filters, kernelSize: k, padding: 'same', name, kernelInitializer: seededInit(seed, li++) });
  const pool = (name: string) => tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same', name });
  const relu = (name: string) => tf.layers.reLU({ name });
  const dense = (units: number, name: string, activation: 'relu' | 'linear') =>
    tf.layers.dense({ units, activation, name, kernelInitializer: seededInit(seed, li++) });
  const apply = (x: tf.SymbolicTensor, layers: tf.layers.Layer[]) =>
    layers.reduce((t, l) => l.apply(t) as tf.SymbolicTensor, x);
  return {
    name: 'b-lenet',
    inputShape: [28, 28, 1],
    numClasses: opts.numClasses ?? 10,
    stages: [
      (x) => apply(x, [conv(5, 5, 'conv1'), pool('pool1'), relu('relu1')]),
      (x) => apply(x, [conv(10, 5, 'conv2'), pool('pool2'), relu('relu2'), conv(20, 5, 'conv3'), pool('pool3'), relu('relu3')]),
    ],
    branches: [
      {
        afterStage: 0,
        head: (x, C, out) =>
          apply(x, [conv(10, 3, 'b1_conv'), pool('b1_pool'), relu('b1_relu'), tf.layers.flatten({ name: 'b1_flatten' }), dense(C, out, 'linear')]),
      },
    ],
    finalHead: (x, C, out) =>
      apply(x, [tf.layers.flatten({ name: 'flatten' }), dense(84, 'fc1', 'relu'), dense(C, out, 'linear')]),
  };
}

export function buildBLeNet(opts: { numClasses?: number; seed?: number } = {}): EarlyExitNetwork {
  return buildEarlyExitNetwork(bLeNetSpec(opts));
}
