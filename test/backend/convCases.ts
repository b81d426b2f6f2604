import * as tf from '@tensorflow/tfjs';

/** Convolution cases shared by the kernel tests (wasm composites and native GEMM kernels). */
export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
export interface ConvCase { x: [number, number, number, number]; k: [number, number, number, number]; s: number | [number, number]; pad: Pad }

// Strides 1/2/3 and [2,1]; 'same' / 'valid' / explicit pads; kernels 1–5 (square and not);
// batch > 1 and channels > 1 everywhere; spatial sizes that strides do not divide.
export const CASES: ConvCase[] = [
  { x: [2, 7, 6, 3], k: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 7, 6, 3], k: [3, 3, 3, 4], s: 2, pad: 'same' },
  { x: [3, 9, 8, 2], k: [5, 5, 2, 3], s: 1, pad: 'valid' },
  { x: [3, 9, 8, 2], k: [5, 4, 2, 3], s: 2, pad: 'valid' },
  { x: [2, 8, 8, 4], k: [1, 1, 4, 5], s: 1, pad: 'same' },
  { x: [2, 8, 8, 4], k: [1, 1, 4, 5], s: 2, pad: 'valid' },
  { x: [2, 6, 7, 3], k: [2, 3, 3, 2], s: [2, 1], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
  { x: [2, 10, 9, 3], k: [4, 4, 3, 2], s: 2, pad: 'same' },
  { x: [2, 10, 9, 3], k: [3, 3, 3, 2], s: 3, pad: 'valid' },
  { x: [2, 12, 12, 5], k: [5, 5, 5, 6], s: 1, pad: 'same' },
];

/** [dx, dw] of Σ g·conv2d(x, w) on the active backend (seeded inputs, same on every backend). */
export function convGrads(c: ConvCase, i: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 10 + i);
    const w = tf.randomNormal(c.k, 0, 1, 'float32', 20 + i);
    const shape = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad).shape;
    const g = tf.randomNormal(shape, 0, 1, 'float32', 30 + i);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad).mul(g).sum();
    return tf.grads(f)([x, w]).map((t) => t.dataSync() as Float32Array);
  });
}

