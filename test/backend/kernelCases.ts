import * as tf from '@tensorflow/tfjs';

/** Convolution, pooling and LRN cases shared by the kernel tests (eecal's wasm/JS kernels and its native ones). */
export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
export interface ConvCase {
  x: [number, number, number, number];
  k: [number, number, number, number];
  s: number | [number, number];
  pad: Pad;
}

// Strides 1/2/3 and [2,1]; 'same' / 'valid' / explicit pads; kernels 1–5 (square and not);
// batch > 1 and channels > 1 everywhere; spatial sizes that strides do not divide.
export const CASES: ConvCase[] = [
  { x: [2, 7, 6, 3], k: [3, 3, 3, 4], s: 1, pad: 'same' },
  { x: [2, 7, 6, 3], k: [3, 3, 3, 4], s: 2, pad: 'same' },
  { x: [3, 9, 8, 2], k: [5, 5, 2, 3], s: 1, pad: 'valid' },
  { x: [3, 9, 8, 2], k: [5, 4, 2, 3], s: 2, pad: 'valid' },
  { x: [2, 8, 8, 4], k: [1, 1, 4, 5], s: 1, pad: 'same' },
  { x: [2, 8, 8, 4], k: [1, 1, 4, 5], s: 2, pad: 'valid' },
  {
    x: [2, 6, 7, 3],
    k: [2, 3, 3, 2],
    s: [2, 1],
    pad: [
      [0, 0],
      [1, 0],
      [2, 1],
      [0, 0],
    ],
  },
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
    const f = (a: tf.Tensor, b: tf.Tensor) =>
      tf
        .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad)
        .mul(g)
        .sum();
    return tf
      .grads(f)([x, w])
      .map((t) => t.dataSync() as Float32Array);
  });
}

/** LRN exactly as B-AlexNet uses it (depthRadius 1, bias 2, alpha 5e-5, beta 0.75): [y, dx]. */
export function lrnValues(): Float32Array[] {
  return tf.tidy(() => {
    // Large inputs so alpha·Σx² is not negligible next to bias (otherwise LRN ≈ identity/2^0.75).
    const x = tf.randomNormal([2, 5, 5, 7], 0, 30, 'float32', 7) as tf.Tensor4D;
    const g = tf.randomNormal([2, 5, 5, 7], 0, 1, 'float32', 8);
    const f = (a: tf.Tensor) => tf.localResponseNormalization(a as tf.Tensor4D, 1, 2, 5e-5, 0.75);
    const { value, grad } = tf.valueAndGrad((a: tf.Tensor) => f(a).mul(g).sum() as tf.Scalar)(x);
    return [f(x).dataSync() as Float32Array, grad.dataSync() as Float32Array, value.dataSync() as Float32Array];
  });
}

export interface PoolCase {
  x: [number, number, number, number];
  f: number | [number, number];
  s: number | [number, number];
  pad: 'same' | 'valid';
}
export const POOLS: PoolCase[] = [
  { x: [2, 9, 8, 3], f: 3, s: 2, pad: 'same' }, // B-AlexNet's pooling (= Chainer ceil mode)
  { x: [2, 8, 8, 4], f: 3, s: 2, pad: 'valid' },
  { x: [3, 7, 9, 2], f: [2, 3], s: [1, 2], pad: 'same' },
  { x: [2, 6, 6, 5], f: 2, s: 2, pad: 'valid' },
];

/**
 * dx of max-pooling a ReLU output (ties between zeros are frequent, so tie-breaking is tested),
 * once through the gradient and once calling MaxPoolGrad with a wrong `output` (y + 1): the
 * result must not depend on it (the eecal kernel falls back to a full argmax scan).
 */
export function poolGrads(c: PoolCase, i: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.relu(tf.randomNormal(c.x, 0, 1, 'float32', 40 + i)) as tf.Tensor4D;
    const y = tf.maxPool(x, c.f, c.s, c.pad);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 50 + i);
    const viaGrad = tf.grad((a: tf.Tensor) =>
      tf
        .maxPool(a as tf.Tensor4D, c.f, c.s, c.pad)
        .mul(dy)
        .sum(),
    )(x);
    const wrongY = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y.add(1) }, {
      filterSize: c.f,
      strides: c.s,
      pad: c.pad,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    return [viaGrad.dataSync() as Float32Array, wrongY.dataSync() as Float32Array];
  });
}

/** Sums over leading axes (eecal's JS kernel) and over other axes (the backend's), kept dims or not. */
export function sumValues(): Float32Array[] {
  return tf.tidy(() => {
    const x4 = tf.randomNormal([5, 3, 4, 6], 0, 1, 'float32', 70);
    const x2 = tf.randomNormal([7, 9], 0, 1, 'float32', 71);
    const x3 = tf.randomNormal([3, 2, 5], 0, 1, 'float32', 72); // 6 rows: not a multiple of 4
    return [
      tf.sum(x4, [0, 1, 2]),
      tf.sum(x4, [2, 0, 1], true),
      tf.sum(x4, [-4, -3, -2]),
      tf.sum(x2, 0),
      tf.sum(x3, [0, 1]),
      tf.sum(x4, [1, 2]),
      tf.sum(x4, 3),
      tf.sum(x4),
      tf.sum(x4.toInt(), [0, 1, 2]),
    ].map((t) => t.dataSync() as Float32Array);
  });
}

/** Matmul with every transpose combination, 2-D and batched 3-D, plus their gradients. */
export function matMulValues(): Float32Array[] {
  return tf.tidy(() => {
    const out: Float32Array[] = [];
    const m = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a2 = m(ta ? [7, 5] : [5, 7], 60);
      const b2 = m(tb ? [4, 7] : [7, 4], 61);
      out.push(tf.matMul(a2, b2, ta, tb).dataSync() as Float32Array);
      const a3 = m(ta ? [3, 7, 5] : [3, 5, 7], 62);
      const b3 = m(tb ? [3, 4, 7] : [3, 7, 4], 63);
      out.push(tf.matMul(a3, b3, ta, tb).dataSync() as Float32Array);
      const bias = m([4], 64);
      out.push(
        tf.fused
          .matMul({ a: a2, b: b2, transposeA: ta, transposeB: tb, bias, activation: 'relu' })
          .dataSync() as Float32Array,
      );
    }
    return out;
  });
}
