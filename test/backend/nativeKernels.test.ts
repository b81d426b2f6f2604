import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { NATIVE_KERNELS, isEecalKernel, registerWasmTrainingKernels } from '../../src/backend/kernels';
import { loadNativeBlas, type ConvLibrary } from '../../src/backend/nativeBlas';
import { relErr } from './relativeError';
import { CASES, POOLS, convGrads, matMulValues, poolGrads, sumValues, type ConvCase } from './kernelCases';

/**
 * eecal's native kernels (convolutions as im2col + OpenBLAS GEMM on the wasm heap; MaxPoolGrad
 * in C) against the stock
 * `cpu` backend's kernels, computed first in the same process. The native build is optional; CI
 * builds it and sets EECAL_REQUIRE_NATIVE=1, so there a missing build fails instead of skipping.
 * The addon's argument checks are tested in nativeBoundary.test.ts.
 */
const TOL = 1e-4;
const status = loadNativeBlas();
const skip = status.loaded || process.env.EECAL_REQUIRE_NATIVE === '1' ? false : `native kernels ${status.detail}`;

// Beyond the shared cases: several im2col chunks per call (K = 800 → ~10 images a chunk), a
// 1-channel input, windows that overhang every edge (stride 2, 'same', even sizes), and pads
// the native kernels leave to wasm.
const MORE: ConvCase[] = [
  { x: [21, 8, 8, 32], k: [5, 5, 32, 4], s: 1, pad: 'same' },
  { x: [3, 6, 6, 1], k: [3, 3, 1, 2], s: 1, pad: 'valid' },
  { x: [2, 8, 10, 3], k: [4, 4, 3, 3], s: 2, pad: 'same' },
  // Explicit pads as large as the window: outside what the native side takes, so the wasm kernels run.
  {
    x: [2, 5, 5, 2],
    k: [2, 2, 2, 3],
    s: 1,
    pad: [
      [0, 0],
      [2, 1],
      [0, 3],
      [0, 0],
    ],
  },
];
const ALL = [...CASES, ...MORE];

/** Forward values: plain conv2d, and fused conv2d with bias + each activation eecal fuses (and one it does not). */
function forwardValues(c: ConvCase, i: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', 80 + i) as tf.Tensor4D;
    const w = tf.randomNormal(c.k, 0, 1, 'float32', 90 + i) as tf.Tensor4D;
    const b = tf.randomNormal([c.k[3]], 0, 1, 'float32', 100 + i) as tf.Tensor1D;
    const fused = (activation: tf.fused.Activation, bias?: tf.Tensor1D) =>
      tf.fused.conv2d({ x, filter: w, strides: c.s, pad: c.pad, bias, activation });
    return [
      tf.conv2d(x, w, c.s, c.pad),
      fused('linear', b),
      fused('relu', b),
      fused('relu6', b),
      fused('relu'),
      fused('elu', b),
    ].map((t) => t.dataSync() as Float32Array);
  });
}

/** The convolution libraries of this build: oneDNN (when built in) and OpenBLAS, each tested. */
const LIBRARIES: ConvLibrary[] = status.loaded?.info().dnnl ? ['onednn', 'openblas'] : ['openblas'];

test('native kernels match the stock cpu kernels', { skip }, async (t) => {
  assert.ok(status.loaded, `EECAL_REQUIRE_NATIVE=1 but the native kernels are ${status.detail}`);
  const native = status.loaded;
  await tf.setBackend('cpu');
  const refGrads = ALL.map((c, i) => convGrads(c, i));
  const refForward = ALL.map((c, i) => forwardValues(c, i));
  const refPool = POOLS.map((c, i) => poolGrads(c, i)[0]);
  const refSum = sumValues();
  const refMatMul = matMulValues();

  registerWasmTrainingKernels();
  for (const k of NATIVE_KERNELS) assert.ok(isEecalKernel(k, 'wasm'), `${k} is eecal's kernel`);
  assert.ok(await tf.setBackend('wasm'));

  for (const library of LIBRARIES) {
    // Process-wide and read on every call: no re-registration needed.
    native.setConvLibrary(library);
    await t.test(`${library}: dX and dW`, () => {
      ALL.forEach((c, i) => {
        const [dx, dw] = convGrads(c, i);
        assert.ok(
          relErr(dx, refGrads[i][0]) <= TOL,
          `case ${i} ${JSON.stringify(c)}: dX error ${relErr(dx, refGrads[i][0])}`,
        );
        assert.ok(
          relErr(dw, refGrads[i][1]) <= TOL,
          `case ${i} ${JSON.stringify(c)}: dW error ${relErr(dw, refGrads[i][1])}`,
        );
      });
    });

    await t.test(
      `${library}: forward: conv2d and fused conv2d (bias; linear, relu, relu6; elu falls back to wasm)`,
      () => {
        ALL.forEach((c, i) => {
          forwardValues(c, i).forEach((v, k) =>
            assert.ok(
              relErr(v, refForward[i][k]) <= TOL,
              `case ${i} output ${k}: error ${relErr(v, refForward[i][k])}`,
            ),
          );
        });
      },
    );
  }
  native.setConvLibrary(LIBRARIES[0]);
  assert.throws(() => native.setConvLibrary('mkl' as ConvLibrary), /setConvLibrary: expected 'onednn' or 'openblas'/);

  await t.test('MaxPoolGrad (cpu tie-breaking; independent of the output input)', () => {
    POOLS.forEach((c, i) => {
      const [viaGrad, wrongY] = poolGrads(c, i);
      assert.ok(relErr(viaGrad, refPool[i]) <= TOL, `pool case ${i}: error ${relErr(viaGrad, refPool[i])}`);
      assert.ok(
        relErr(wrongY, refPool[i]) <= TOL,
        `pool case ${i} with a wrong output: error ${relErr(wrongY, refPool[i])}`,
      );
    });
  });

  await t.test(
    'Sum over leading axes (bias gradients; other reductions left to wasm) equals the stock cpu sums',
    () => {
      sumValues().forEach((v, k) => assert.ok(relErr(v, refSum[k]) <= 1e-6, `sum ${k}: error ${relErr(v, refSum[k])}`));
    },
  );

  await t.test('BatchMatMul with and without transposes, rank 2 and 3 (fused ones left to the composite)', () => {
    matMulValues().forEach((v, k) =>
      assert.ok(relErr(v, refMatMul[k]) <= TOL, `matmul ${k}: error ${relErr(v, refMatMul[k])}`),
    );
  });

  await t.test('a dilated convolution is left to the wasm kernels', () => {
    const [a, b] = [
      tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1),
      tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2),
    ] as tf.Tensor4D[];
    const wasm = tf.conv2d(a, b, 1, 'same', 'NHWC', 2).dataSync();
    return tf.setBackend('cpu').then(() => {
      const ref = tf
        .conv2d(tf.tensor4d(a.dataSync(), a.shape), tf.tensor4d(b.dataSync(), b.shape), 1, 'same', 'NHWC', 2)
        .dataSync();
      assert.ok(relErr(wasm, ref) <= TOL);
    });
  });
});
