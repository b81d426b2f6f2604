import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { isEecalKernel, registerCpuTrainingKernels, registerWasmTrainingKernels } from '../../src/backend/kernels';
import { ARCHITECTURES, buildArchitecture } from '../../src/models/registry';
import { relErr } from './relativeError';
import { CASES, POOLS, convGrads, lrnValues, matMulValues, poolGrads, sumValues } from './kernelCases';

/**
 * eecal's training kernels against the *stock* `cpu` backend (references are computed before any
 * eecal kernel is registered). Error = max|a−b| / max|b| over the whole gradient tensor.
 */
const TOL = 1e-4;

/** Gradients through tfjs-core's fused conv2d and matMul (bias + relu), as tfjs-layers uses them. */
function fusedGrads(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal([3, 8, 8, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 4, 6], 0, 1, 'float32', 2) as tf.Tensor4D;
    const b = tf.randomNormal([6], 0, 1, 'float32', 3) as tf.Tensor1D;
    const wd = tf.randomNormal([8 * 8 * 6, 5], 0, 0.1, 'float32', 4) as tf.Tensor2D;
    const bd = tf.randomNormal([5], 0, 1, 'float32', 5) as tf.Tensor1D;
    const f = (xa: tf.Tensor, wa: tf.Tensor, ba: tf.Tensor, wda: tf.Tensor, bda: tf.Tensor) => {
      const h = tf.fused.conv2d({
        x: xa as tf.Tensor4D,
        filter: wa as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: ba,
        activation: 'relu',
      });
      const o = tf.fused.matMul({ a: h.reshape([3, -1]), b: wda as tf.Tensor2D, bias: bda, activation: 'relu' });
      return o.square().sum();
    };
    return tf
      .grads(f)([x, w, b, wd, bd])
      .map((t) => t.dataSync() as Float32Array);
  });
}

/** Names of the kernels one training step of `arch` (joint CE of all exits, Adam) runs. */
async function trainingStepKernels(arch: string): Promise<string[]> {
  const net = buildArchitecture(arch, { seed: 3 });
  const opt = tf.train.adam(1e-3);
  const [, h, w, c] = net.model.inputs[0].shape as number[];
  const x = tf.randomUniform([2, h, w, c], 0, 1, 'float32', 4);
  const y = tf.oneHot(tf.tensor1d([1, 7], 'int32'), 10);
  const info = await tf.profile(() => {
    const cost = opt.minimize(() => {
      const outs = net.model.apply(x, { training: true }) as tf.Tensor[];
      return tf.addN(outs.map((o) => tf.losses.softmaxCrossEntropy(y, o))) as tf.Scalar;
    }, true);
    cost?.dispose();
  });
  tf.dispose([x, y]);
  opt.dispose();
  net.model.dispose();
  // Names ending in __op are op scopes recorded by the profiler, not kernels.
  return [...new Set(info.kernelNames)].filter((n) => !n.endsWith('__op')).sort();
}

test('eecal training kernels match the stock cpu gradients on cpu and wasm', async (t) => {
  await tf.setBackend('cpu');
  assert.equal(isEecalKernel('Conv2DBackpropFilter', 'cpu'), false);
  const refConv = CASES.map((c, i) => convGrads(c, i));
  const refFused = fusedGrads();
  const refLrn = lrnValues();
  const refPool = POOLS.map((c, i) => poolGrads(c, i)[0]);
  const refMatMul = matMulValues();
  const refSum = sumValues();
  const refSumShapes = tf.tidy(() => [tf.sum(tf.zeros([5, 3, 4, 6]), [2, 0, 1], true).shape]);

  await t.test('cpu: composite Conv2DBackpropFilter and JS MaxPoolGrad', () => {
    assert.deepEqual(registerCpuTrainingKernels(), ['Conv2DBackpropFilter', 'MaxPoolGrad']);
    assert.deepEqual(registerCpuTrainingKernels(), [], 'second registration is a no-op');
    CASES.forEach((c, i) => {
      const [dx, dw] = convGrads(c, i);
      assert.ok(
        relErr(dw, refConv[i][1]) <= TOL,
        `case ${i} ${JSON.stringify(c)}: dW error ${relErr(dw, refConv[i][1])}`,
      );
      assert.deepEqual(dx, refConv[i][0], 'dX still comes from the stock cpu kernel');
    });
    POOLS.forEach((c, i) => {
      const [viaGrad, wrongY] = poolGrads(c, i);
      assert.ok(relErr(viaGrad, refPool[i]) <= TOL && relErr(wrongY, refPool[i]) <= TOL, `cpu pool case ${i}`);
    });
  });

  await t.test('wasm: Conv2DBackpropFilter and Conv2DBackpropInput', async () => {
    // The wasm composites (the native GEMM kernels have their own test: nativeKernels.test.ts).
    assert.deepEqual(registerWasmTrainingKernels({ native: false }), [
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'BatchMatMul',
      '_FusedMatMul',
      'MaxPoolGrad',
      'Identity',
      'Sum',
      'LRN',
      'LRNGrad',
    ]);
    assert.deepEqual(registerWasmTrainingKernels({ native: false }), []);
    assert.ok(await tf.setBackend('wasm'));
    CASES.forEach((c, i) => {
      const [dx, dw] = convGrads(c, i);
      assert.ok(
        relErr(dx, refConv[i][0]) <= TOL,
        `case ${i} ${JSON.stringify(c)}: dX error ${relErr(dx, refConv[i][0])}`,
      );
      assert.ok(
        relErr(dw, refConv[i][1]) <= TOL,
        `case ${i} ${JSON.stringify(c)}: dW error ${relErr(dw, refConv[i][1])}`,
      );
    });
  });

  await t.test('wasm: gradients of fused conv2d / matMul (bias + relu)', () => {
    fusedGrads().forEach((g, k) =>
      assert.ok(relErr(g, refFused[k]) <= TOL, `gradient ${k}: error ${relErr(g, refFused[k])}`),
    );
  });

  await t.test('wasm: MaxPoolGrad (cpu tie-breaking; independent of the output input)', () => {
    POOLS.forEach((c, i) => {
      const [viaGrad, wrongY] = poolGrads(c, i);
      assert.ok(relErr(viaGrad, refPool[i]) <= TOL, `pool case ${i}: error ${relErr(viaGrad, refPool[i])}`);
      assert.ok(
        relErr(wrongY, refPool[i]) <= TOL,
        `pool case ${i} with a wrong output: error ${relErr(wrongY, refPool[i])}`,
      );
    });
  });

  await t.test('wasm: BatchMatMul / _FusedMatMul with transposes', () => {
    matMulValues().forEach((v, k) =>
      assert.ok(relErr(v, refMatMul[k]) <= TOL, `matmul ${k}: error ${relErr(v, refMatMul[k])}`),
    );
  });

  await t.test('wasm: Sum (JS over leading axes, backend otherwise) equals the stock cpu sums', () => {
    sumValues().forEach((v, k) => assert.ok(relErr(v, refSum[k]) <= 1e-6, `sum ${k}: error ${relErr(v, refSum[k])}`));
    assert.deepEqual(
      tf.tidy(() => tf.sum(tf.zeros([5, 3, 4, 6]), [2, 0, 1], true).shape),
      refSumShapes[0],
    );
  });

  await t.test('wasm: Identity shares the buffer, and the clone outlives its source', () => {
    const x = tf.randomNormal([4, 5], 0, 1, 'float32', 80);
    const expected = Array.from(x.dataSync());
    const y = tf.clone(x);
    x.dispose();
    assert.deepEqual(Array.from(y.dataSync()), expected);
    const z = tf.clone(y).add(1);
    assert.deepEqual(Array.from(y.dataSync()), expected, 'an op on the clone does not write into the source');
    tf.dispose([y, z]);
  });

  await t.test('wasm: LRN (B-AlexNet settings) and its gradient', () => {
    const [y, dx, v] = lrnValues();
    assert.ok(relErr(y, refLrn[0]) <= TOL, `LRN forward error ${relErr(y, refLrn[0])}`);
    assert.ok(relErr(dx, refLrn[1]) <= TOL, `LRN gradient error ${relErr(dx, refLrn[1])}`);
    assert.ok(Math.abs(v[0] - refLrn[2][0]) <= TOL * Math.abs(refLrn[2][0]));
  });

  await t.test('wasm: no leaked tensors, backend buffers or heap growth', () => {
    convGrads(CASES[1], 1);
    poolGrads(POOLS[0], 0);
    const before = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    for (let r = 0; r < 20; r++) {
      CASES.forEach((c, i) => convGrads(c, i));
      POOLS.forEach((c, i) => poolGrads(c, i));
      matMulValues();
      fusedGrads();
      sumValues();
      tf.tidy(() => {
        tf.clone(tf.ones([3, 3])).add(1);
      });
    }
    const after = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
    assert.equal(after.numTensors, before.numTensors);
    assert.equal(after.numDataBuffers, before.numDataBuffers);
    assert.equal((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length, heap);
  });

  await t.test('wasm: every kernel of a training step of each architecture is registered', async () => {
    await tf.setBackend('cpu');
    for (const arch of Object.keys(ARCHITECTURES)) {
      const names = await trainingStepKernels(arch);
      for (const k of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad'])
        assert.ok(names.includes(k), `${arch} step runs ${k}`);
      if (arch === 'b-alexnet') assert.ok(names.includes('LRNGrad'));
      assert.deepEqual(
        names.filter((n) => !tf.getKernel(n, 'wasm')),
        [],
        `${arch}: kernels missing on wasm`,
      );
    }
  });
});
