import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { isEecalKernel, kernelChain, registerWasmTrainingKernels } from '../../src/backend/kernels';
import { loadNativeBlas } from '../../src/backend/nativeBlas';
import { lrnForward } from '../../src/backend/kernels/lrnForward';
import { lrnGradient } from '../../src/backend/kernels/lrnGrad';
import type { LrnParams } from '../../src/backend/kernels/lrnWindow';
import { relErr } from './relativeError';

/**
 * eecal's LRN / LRNGrad (wasm) against the stock tfjs-backend-cpu kernels, and both against
 * float64 values from PyTorch autograd of the written-out formula. Error = max|a−b| / max|b|.
 */
const TOL = 1e-5;

interface LrnCase extends LrnParams {
  name: string;
  shape: [number, number, number, number];
  std: number;
}

const CASES: LrnCase[] = [
  // B-AlexNet's four LRNs (lrn1; lrn2 and b1_lrn; b2_lrn) at batch 2. std 30 so that
  // alpha·Σx² (≈0.1) is not negligible next to bias 2.
  { name: 'lrn1 [2,16,16,32]', shape: [2, 16, 16, 32], depthRadius: 1, bias: 2, alpha: 5e-5, beta: 0.75, std: 30 },
  { name: 'lrn2 [2,8,8,64]', shape: [2, 8, 8, 64], depthRadius: 1, bias: 2, alpha: 5e-5, beta: 0.75, std: 30 },
  { name: 'b2_lrn [2,4,4,96]', shape: [2, 4, 4, 96], depthRadius: 1, bias: 2, alpha: 5e-5, beta: 0.75, std: 30 },
  { name: 'C = 1', shape: [3, 4, 4, 1], depthRadius: 1, bias: 1, alpha: 0.5, beta: 0.75, std: 2 },
  { name: 'C = 2', shape: [2, 3, 3, 2], depthRadius: 1, bias: 1, alpha: 0.2, beta: 0.75, std: 2 },
  { name: 'depthRadius 2', shape: [2, 5, 5, 7], depthRadius: 2, bias: 1.5, alpha: 0.05, beta: 0.75, std: 3 },
  { name: 'beta 0.5', shape: [2, 4, 4, 9], depthRadius: 1, bias: 2, alpha: 0.1, beta: 0.5, std: 3 },
  { name: 'beta 1, depthRadius 3', shape: [2, 3, 3, 10], depthRadius: 3, bias: 1, alpha: 0.02, beta: 1, std: 3 },
  { name: 'depthRadius 0', shape: [2, 3, 3, 5], depthRadius: 0, bias: 1, alpha: 0.3, beta: 0.75, std: 2 },
  { name: 'window wider than C', shape: [2, 3, 3, 3], depthRadius: 5, bias: 0.5, alpha: 0.1, beta: 0.75, std: 2 },
];

/** [y, dx of Σ g·LRN(x)] on the active backend (seeded inputs, identical on every backend). */
function lrnValues(c: LrnCase, i: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.shape, 0, c.std, 'float32', 100 + i) as tf.Tensor4D;
    const g = tf.randomNormal(c.shape, 0, 1, 'float32', 200 + i);
    const f = (a: tf.Tensor) => tf.localResponseNormalization(a as tf.Tensor4D, c.depthRadius, c.bias, c.alpha, c.beta);
    const dx = tf.grad((a: tf.Tensor) => f(a).mul(g).sum())(x);
    return [f(x).dataSync() as Float32Array, dx.dataSync() as Float32Array];
  });
}

// Independent reference: PyTorch 1.13 autograd (float64) of y[c] = x[c]·(bias + alpha·Σ_{|k−c|≤r} x[k]²)^−beta
// with the window clipped to [0, C), for loss Σ g·y.
const TINY = [
  {
    p: { depthRadius: 1, bias: 2, alpha: 0.1, beta: 0.75 },
    C: 3,
    x: [1, -2, 3, 0.5, 4, -1.5],
    g: [1, 0.5, -2, 3, -1, 0.25],
    y: [
      0.5029733718731741, -0.7987682757159081, 1.225281284102679, 0.1903220014532341, 1.455339926642035,
      -0.5484255499716565,
    ],
    dx: [
      0.4904148579956934, 0.002030681392542248, -0.42982690115996247, 1.1584696967657595, -0.21002659297705634,
      -0.0017131566638046852,
    ],
  },
  {
    p: { depthRadius: 2, bias: 1, alpha: 0.1, beta: 0.5 },
    C: 4,
    x: [2, -1, 0.5, 3],
    g: [-1, 2, 0.5, 1.5],
    y: [1.619552660357832, -0.6421612990679356, 0.3210806495339678, 2.1081851067789197],
    dx: [-0.5046929071872488, 1.2879427464014392, 0.31927057540118386, 0.7246315852436747],
  },
];

/**
 * Element-wise |a − b| ≤ tol·max|b|: not tol·|b|, because a gradient entry that is a difference of
 * O(1) terms (dx[1] of the first case, 0.002) carries the float32 rounding of those terms (y is
 * a float32 input to LRNGrad).
 */
function assertClose(a: ArrayLike<number>, b: number[], tol: number, what: string): void {
  const scale = Math.max(...b.map(Math.abs));
  b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) <= tol * scale, `${what}[${i}]: ${a[i]} vs ${v}`));
}

test('LRN / LRNGrad on plain arrays equal float64 autograd values (tiny inputs)', () => {
  for (const t of TINY) {
    const x = Float32Array.from(t.x);
    const y = new Float32Array(x.length);
    const dx = new Float32Array(x.length);
    lrnForward(x, y, t.C, t.p);
    lrnGradient(x, y, Float32Array.from(t.g), dx, t.C, t.p);
    assertClose(y, t.y, 1e-6, `y (r ${t.p.depthRadius})`);
    assertClose(dx, t.dx, 1e-6, `dx (r ${t.p.depthRadius})`);
  }
});

/** eecal's kernels on wasm: the native (C) ones where built, and the JavaScript ones. */
const VARIANTS = [
  ...(loadNativeBlas().loaded ? [{ name: 'native', native: true }] : []),
  { name: 'JavaScript', native: false },
];

test('eecal LRN / LRNGrad on wasm match the stock cpu kernels', async (t) => {
  await tf.setBackend('cpu');
  const ref = CASES.map((c, i) => lrnValues(c, i));
  assert.ok(await tf.setBackend('wasm'));

  for (const v of VARIANTS) {
    registerWasmTrainingKernels({ native: v.native });
    assert.ok(isEecalKernel('LRN', 'wasm') && isEecalKernel('LRNGrad', 'wasm'), 'both kernels are registered on wasm');
    assert.equal(kernelChain('LRN', 'wasm')[0].startsWith('native'), v.native, `${v.name} runs first`);

    await t.test(`${v.name}: forward and gradient, B-AlexNet shapes and edge cases`, () => {
      CASES.forEach((c, i) => {
        const [y, dx] = lrnValues(c, i);
        assert.ok(relErr(y, ref[i][0]) <= TOL, `${c.name}: LRN error ${relErr(y, ref[i][0])}`);
        assert.ok(relErr(dx, ref[i][1]) <= TOL, `${c.name}: LRN gradient error ${relErr(dx, ref[i][1])}`);
      });
    });

    await t.test(`${v.name}: tiny inputs through the kernels equal the autograd values`, () => {
      for (const c of TINY) {
        const [y, dx] = tf.tidy(() => {
          const x = tf.tensor4d(c.x, [1, 1, c.x.length / c.C, c.C]);
          const g = tf.tensor4d(c.g, x.shape);
          const { depthRadius, bias, alpha, beta } = c.p;
          const f = (a: tf.Tensor) => tf.localResponseNormalization(a as tf.Tensor4D, depthRadius, bias, alpha, beta);
          return [
            f(x).dataSync(),
            tf
              .grad((a: tf.Tensor) => f(a).mul(g).sum())(x)
              .dataSync(),
          ];
        });
        assertClose(y, c.y, 1e-6, 'y');
        assertClose(dx, c.dx, 1e-6, 'dx');
      }
    });

    await t.test(`${v.name}: LRNGrad with inputs of different shapes is a clear error`, () => {
      const x = tf.ones([1, 2, 2, 3]);
      const dy = tf.ones([1, 2, 2, 4]);
      assert.throws(
        () => tf.engine().runKernel('LRNGrad', { x, y: x, dy }, { depthRadius: 1, bias: 1, alpha: 1, beta: 0.75 }),
        /LRNGrad: inputs x \[1,2,2,3\], y \[1,2,2,3\] and dy \[1,2,2,4\] must have the same shape/,
      );
      tf.dispose([x, dy]);
    });

    await t.test(`${v.name}: no leaked tensors, backend buffers or heap growth`, () => {
      lrnValues(CASES[0], 0);
      const before = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
      const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
      for (let r = 0; r < 5; r++) CASES.forEach((c, i) => lrnValues(c, i));
      const after = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
      assert.equal(after.numTensors, before.numTensors);
      assert.equal(after.numDataBuffers, before.numDataBuffers);
      assert.equal((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length, heap);
    });
  }
});
