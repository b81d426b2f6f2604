import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  NATIVE_KERNELS,
  WASM_KERNELS,
  isEecalKernel,
  kernelChain,
  registerCpuTrainingKernels,
  registerWasmTrainingKernels,
  restoreBackendKernel,
} from '../../src/backend/kernels';
import { loadNativeBlas, type NativeBlas } from '../../src/backend/nativeBlas';
import { relErr } from './relativeError';
import { CASES, POOLS, convGrads, poolGrads } from './kernelCases';

/**
 * The kernel table's registration loop: asking for other options takes effect in the same
 * process (native kernels off, on, another addon), asking again for the same is a no-op, and the
 * chain each kernel runs is what `kernelChain` reports. Which implementation ran is seen through a
 * counting wrapper of the native addon; the values are checked against the stock cpu kernels.
 */
const TOL = 1e-4;
const status = loadNativeBlas();
const skip = status.loaded || process.env.EECAL_REQUIRE_NATIVE === '1' ? false : `native kernels ${status.detail}`;

/** The addon with a call counter in front of each kernel. */
function countingNative(real: NativeBlas): { native: NativeBlas; calls: () => number } {
  let n = 0;
  const count = <F extends (...args: never[]) => void>(f: F) =>
    ((...args: Parameters<F>) => {
      n++;
      f(...args);
    }) as F;
  return {
    native: {
      conv2d: count(real.conv2d.bind(real)),
      conv2dBackpropFilter: count(real.conv2dBackpropFilter.bind(real)),
      conv2dBackpropInput: count(real.conv2dBackpropInput.bind(real)),
      maxPoolGrad: count(real.maxPoolGrad.bind(real)),
      lrn: count(real.lrn.bind(real)),
      lrnGrad: count(real.lrnGrad.bind(real)),
      sumRows: count(real.sumRows.bind(real)),
      matMul: count(real.matMul.bind(real)),
      setThreads: real.setThreads.bind(real),
      setConvLibrary: real.setConvLibrary.bind(real),
      info: real.info.bind(real),
    },
    calls: () => n,
  };
}

/** Gradients and forward values of one conv case and one pool case on the active backend. */
function values(): Float32Array[] {
  const forward = tf.tidy(
    () =>
      tf
        .conv2d(
          tf.randomNormal(CASES[1].x, 0, 1, 'float32', 5) as tf.Tensor4D,
          tf.randomNormal(CASES[1].k, 0, 1, 'float32', 6) as tf.Tensor4D,
          CASES[1].s,
          CASES[1].pad,
        )
        .dataSync() as Float32Array,
  );
  return [...convGrads(CASES[1], 1), forward, poolGrads(POOLS[0], 0)[0]];
}

function assertClose(got: Float32Array[], want: Float32Array[], what: string): void {
  got.forEach((v, i) => assert.ok(relErr(v, want[i]) <= TOL, `${what}: value ${i} error ${relErr(v, want[i])}`));
}

test('switching the native kernels off and on in one process takes effect', { skip }, async () => {
  assert.ok(status.loaded, `EECAL_REQUIRE_NATIVE=1 but the native kernels are ${status.detail}`);
  await tf.setBackend('cpu');
  const ref = values();
  const a = countingNative(status.loaded);

  const all = WASM_KERNELS.map((k) => k.kernelName);
  assert.deepEqual(
    registerWasmTrainingKernels({ native: a.native }),
    all,
    'first registration installs every kernel of the table',
  );
  assert.ok(await tf.setBackend('wasm'));
  assertClose(values(), ref, 'native on');
  const afterOn = a.calls();
  assert.ok(afterOn >= 4, `the native kernels ran (${afterOn} calls)`);
  const lib = status.loaded.info().kernels;
  assert.deepEqual(kernelChain('Conv2DBackpropFilter', 'wasm'), [
    `native: ${lib.conv2dBackpropFilter}`,
    'Conv2D composite (dilated by the stride)',
  ]);
  assert.deepEqual(kernelChain('Conv2D', 'wasm'), [`native: ${lib.conv2d}`, 'wasm built-in']);
  assert.deepEqual(registerWasmTrainingKernels({ native: a.native }), [], 'the same options again change nothing');

  // Off: Conv2D and FusedConv2D go back to wasm's own, the others lose their native step.
  assert.deepEqual(registerWasmTrainingKernels({ native: false }), [
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'Conv2D',
    'FusedConv2D',
    'BatchMatMul',
    'MaxPoolGrad',
    'Sum',
    'LRN',
    'LRNGrad',
  ]);
  assert.equal(isEecalKernel('Conv2D', 'wasm'), false);
  assert.deepEqual(kernelChain('Conv2D', 'wasm'), ['wasm built-in']);
  assert.deepEqual(kernelChain('MaxPoolGrad', 'wasm'), ['JS scatter', 'wasm built-in']);
  assertClose(values(), ref, 'native off');
  assert.equal(a.calls(), afterOn, 'no native kernel ran while they were off');
  assert.deepEqual(registerWasmTrainingKernels({ native: false }), []);

  // On again, and then another addon object: both take effect.
  assert.deepEqual([...registerWasmTrainingKernels({ native: a.native })].sort(), [...NATIVE_KERNELS].sort());
  assertClose(values(), ref, 'native on again');
  assert.ok(a.calls() > afterOn, 'the native kernels run again');
  const b = countingNative(status.loaded);
  assert.deepEqual([...registerWasmTrainingKernels({ native: b.native })].sort(), [...NATIVE_KERNELS].sort());
  const aBefore = a.calls();
  assertClose(values(), ref, 'second addon');
  assert.ok(b.calls() > 0 && a.calls() === aBefore, 'the newly given addon runs, the previous one no longer');

  // Putting the backend's kernels back, then registering again.
  for (const k of all) restoreBackendKernel(k, 'wasm');
  assert.equal(
    all.some((k) => isEecalKernel(k, 'wasm')),
    false,
  );
  assert.deepEqual(
    kernelChain('Conv2DBackpropFilter', 'wasm'),
    [],
    'tfjs-backend-wasm 4.22 has no dW kernel of its own',
  );
  assert.deepEqual(
    registerWasmTrainingKernels({ native: false }),
    all.filter((k) => k !== 'Conv2D' && k !== 'FusedConv2D'),
  );
  assertClose(values(), ref, 'after restore and register');
});

test('the cpu table: registered once, its chains reported', async () => {
  await tf.setBackend('cpu');
  registerCpuTrainingKernels();
  assert.deepEqual(registerCpuTrainingKernels(), []);
  assert.deepEqual(kernelChain('Conv2DBackpropFilter', 'cpu'), [
    'Conv2D composite (dilated by the stride)',
    'cpu built-in',
  ]);
  assert.deepEqual(kernelChain('Conv2D', 'cpu'), ['cpu built-in']);
});
