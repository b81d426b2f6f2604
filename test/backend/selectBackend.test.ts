import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeLoadFailure, missingLibrary, nativePackageProblem } from '../../src/backend/candidates';
import { backendLabel, describeChoice, selectBackend } from '../../src/backend/selectBackend';
import { loadNativeBlas } from '../../src/backend/nativeBlas';
import { BackendError } from '../../src/errors';

test('missing shared libraries are named from dlopen messages', () => {
  const msg = 'libcudart.so.11.0: cannot open shared object file: No such file or directory';
  assert.equal(missingLibrary(msg), 'libcudart.so.11.0');
  assert.match(
    describeLoadFailure('@tensorflow/tfjs-node-gpu', new Error(msg)),
    /missing library libcudart\.so\.11\.0 .*CUDA 11\.2/,
  );
  assert.match(
    describeLoadFailure(
      '@tensorflow/tfjs-node',
      new Error('The Node.js native addon module (tfjs_binding.node) can not be found'),
    ),
    /native addon not built/,
  );
  assert.equal(missingLibrary('something else'), null);
});

test("danfojs-node's alias of plain tfjs is not mistaken for the native package", () => {
  // In this install node_modules/@tensorflow/tfjs-node is the alias (npm:@tensorflow/tfjs@4.22.0).
  assert.match(nativePackageProblem('@tensorflow/tfjs-node') ?? '', /alias of @tensorflow\/tfjs/);
  assert.match(nativePackageProblem('@tensorflow/tfjs-node-gpu') ?? '', /^not installed/);
});

test('auto selection reports every candidate best-first; forcing an unusable one fails clearly', async () => {
  const choice = await selectBackend({ training: true });
  assert.deepEqual(
    choice.statuses.map((s) => s.candidate),
    ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'],
  );
  const chosen = choice.statuses.find((s) => s.candidate === choice.candidate)!;
  assert.equal(chosen.usable, true);
  // Every better candidate says why it was not used.
  for (const s of choice.statuses.slice(0, choice.statuses.indexOf(chosen)))
    assert.ok(!s.usable && s.detail.length > 0);
  if (choice.candidate !== 'tfjs-node-gpu') {
    await assert.rejects(
      selectBackend({ force: 'tfjs-node-gpu' }),
      (e: unknown) => e instanceof BackendError && /tfjs-node-gpu is not usable here/.test((e as Error).message),
    );
  }
  await assert.rejects(selectBackend({ force: 'tpu' }), /EECAL_BACKEND="tpu": expected one of/);
  const cpu = await selectBackend({ force: 'cpu' });
  assert.equal(cpu.backend, 'cpu');
});

test("wasm says whether its convolutions are native (EECAL_NATIVE=0 or not built: not), in doctor's lines and in the recorded label", async () => {
  const native = loadNativeBlas().loaded !== null;
  const wasm = await selectBackend({ force: 'wasm' });
  assert.equal(wasm.nativeKernels, native);
  assert.equal(backendLabel(wasm), native ? 'wasm (wasm, native kernels)' : 'wasm (wasm)');
  assert.match(
    describeChoice(wasm),
    native
      ? /convolutions native: OpenBLAS \(OpenBLAS [0-9.]+/
      : /convolutions in wasm \(native kernels (not built|off)/,
  );
  // What doctor lists: each kernel eecal replaced and what runs it, in the order tried.
  const route = (k: string) => wasm.kernels.find((r) => r.kernel === k)?.chain;
  const lib = loadNativeBlas().loaded?.info().kernels;
  assert.deepEqual(route('Conv2D'), lib ? [`native: ${lib.conv2d}`, 'wasm built-in'] : undefined);
  if (lib?.conv2d.startsWith('oneDNN')) assert.match(describeChoice(wasm), /, oneDNN \d+\.\d+\.\d+, 1 thread per call/);
  assert.deepEqual(route('LRN'), [...(lib ? [`native: ${lib.lrn}`] : []), 'JS', 'wasm built-in']);
  assert.equal(
    backendLabel({ ...wasm, backend: 'tensorflow', candidate: 'tfjs-node-gpu', nativeKernels: false, gpu: true }),
    'tensorflow (tfjs-node-gpu) GPU',
  );
});
