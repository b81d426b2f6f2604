import type * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterViaConv } from './conv2dBackpropFilter';
import { conv2dBackpropInputViaConv } from './conv2dBackpropInput';
import { matMulViaExplicitTranspose } from './matMulTransposes';
import { maxPoolGradJs } from './maxPoolGrad';
import { identityShared } from './identityShared';
import { lrnJs } from './lrnForward';
import { lrnGradJs } from './lrnGrad';
import { defineKernel, type KernelConfig, type KernelImpl, type KernelOptions, type NamedImpl } from './kernelConfig';
import { isEecalKernel, kernelChain, registerKernels } from './registerKernels';
import { nativeMaxPoolGrad } from './nativeMaxPoolGrad';
import { nativeLrn, nativeLrnGrad } from './nativeLrn';
import { nativeSum } from './nativeSum';
import { nativeBatchMatMul } from './nativeMatMul';
import { sumLeadingAxes } from './sumLeadingAxes';
import { nativeConv2d, nativeConv2dBackpropFilter, nativeConv2dBackpropInput } from './nativeConv';
import { loadNativeBlas, type NativeBlas, type NativeInfo } from '../nativeBlas';

export { isEecalKernel, kernelChain, restoreBackendKernel } from './registerKernels';
export type { KernelConfig, KernelOptions } from './kernelConfig';

/** The convolution kernels the native build replaces. */
export const NATIVE_CONV_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const;
/** Every kernel whose implementation the native build changes (the convolutions, BatchMatMul, MaxPoolGrad, LRN, LRNGrad, Sum). */
export const NATIVE_KERNELS = [...NATIVE_CONV_KERNELS, 'BatchMatMul', 'MaxPoolGrad', 'LRN', 'LRNGrad', 'Sum'] as const;

/** An implementation in JavaScript (or composed of the backend's kernels), named for `kernelChain`. */
function js<A>(name: string, run: KernelImpl<A>): NamedImpl<A> {
  return { name, run };
}

/**
 * The native implementation `make(native)` when native kernels are asked for, else null (left
 * out); named by the addon, which says which library runs entry point `entry` (oneDNN, OpenBLAS).
 */
function native<A>(
  o: KernelOptions,
  entry: keyof NativeInfo['kernels'],
  make: (n: NativeBlas) => KernelImpl<A>,
): NamedImpl<A> | null {
  return o.native ? { name: `native: ${o.native.info().kernels[entry]}`, run: make(o.native), native: true } : null;
}

/**
 * The kernels eecal puts on the `wasm` backend for training and inference, one config per kernel;
 * each lists its implementations in the order they are tried (each returns null for calls it does
 * not cover), then the wasm kernel itself:
 * - Conv2D, FusedConv2D (bias; linear/relu/relu6): native only — XNNPACK's are good on wasm;
 * - Conv2DBackpropFilter: tfjs-backend-wasm 4.22 has none; one dilated Conv2D (see
 *   `conv2dBackpropFilter.ts`);
 * - Conv2DBackpropInput: wasm's is a naive loop; one Conv2D on the (zero-dilated) dy with the
 *   flipped filter;
 * - BatchMatMul / _FusedMatMul with transpose flags: explicit Transpose, then the XNNPACK path;
 * - MaxPoolGrad: a single-pass argmax scatter over the wasm heap (cpu's tie-breaking);
 * - Identity: shares the input's heap buffer instead of copying it (the engine clones every
 *   tensor a gradient saves);
 * - Sum over all axes but the last (bias gradients): one JS pass, no transpose;
 * - LRN: JS over the wasm heap, d^−0.75 from square roots instead of std::pow per element;
 * - LRNGrad: the same in one gather pass per pixel instead of a scatter with std::pow per term.
 * With the native kernels (`npm run build:native`) the convolutions — ~85 % of a B-AlexNet step on
 * wasm — run on oneDNN (or im2col + OpenBLAS GEMM) on the wasm heap, BatchMatMul on OpenBLAS, and
 * MaxPoolGrad, LRN, LRNGrad and the bias gradients' Sum in C; the addon names the library of each (`eecal doctor`
 * shows the chains).
 */
export const WASM_KERNELS: readonly KernelConfig[] = [
  defineKernel<tf.Conv2DBackpropFilterAttrs>('Conv2DBackpropFilter', 'wasm', (o) => [
    native(o, 'conv2dBackpropFilter', nativeConv2dBackpropFilter),
    js('Conv2D composite (dilated by the stride)', conv2dBackpropFilterViaConv),
  ]),
  defineKernel<tf.Conv2DBackpropInputAttrs>('Conv2DBackpropInput', 'wasm', (o) => [
    native(o, 'conv2dBackpropInput', nativeConv2dBackpropInput),
    js('Conv2D composite (flipped filter)', conv2dBackpropInputViaConv),
  ]),
  defineKernel<tf.Conv2DAttrs>('Conv2D', 'wasm', (o) => [native(o, 'conv2d', nativeConv2d<tf.Conv2DAttrs>)]),
  defineKernel<tf.FusedConv2DAttrs>('FusedConv2D', 'wasm', (o) => [
    native(o, 'conv2d', nativeConv2d<tf.FusedConv2DAttrs>),
  ]),
  defineKernel<tf.BatchMatMulAttrs>('BatchMatMul', 'wasm', (o) => [
    native(o, 'matMul', nativeBatchMatMul),
    js('explicit transpose', matMulViaExplicitTranspose),
  ]),
  defineKernel<tf._FusedMatMulAttrs>('_FusedMatMul', 'wasm', () => [
    js('explicit transpose', matMulViaExplicitTranspose),
  ]),
  defineKernel<tf.MaxPoolGradAttrs>('MaxPoolGrad', 'wasm', (o) => [
    native(o, 'maxPoolGrad', nativeMaxPoolGrad),
    js('JS scatter', maxPoolGradJs),
  ]),
  defineKernel<Record<string, never>>('Identity', 'wasm', () => [js('JS: shares the buffer', identityShared)]),
  defineKernel<tf.SumAttrs>('Sum', 'wasm', (o) => [native(o, 'sum', nativeSum), js('JS: sum of rows', sumLeadingAxes)]),
  defineKernel<tf.LRNAttrs>('LRN', 'wasm', (o) => [native(o, 'lrn', nativeLrn), js('JS', lrnJs)]),
  defineKernel<tf.LRNGradAttrs>('LRNGrad', 'wasm', (o) => [
    native(o, 'lrnGrad', nativeLrnGrad),
    js('JS gather', lrnGradJs),
  ]),
];

/**
 * The kernels eecal puts on the `cpu` backend for training:
 * - Conv2DBackpropFilter: the stock one loops over `TensorBuffer.get()` and costs ~270 s per
 *   B-AlexNet step at batch 64; the composite runs the cpu backend's Conv2D (~50× faster);
 * - MaxPoolGrad: the same single-pass JS scatter as on wasm (same results as the stock kernel,
 *   which took 1.7 s of a 14 s step).
 */
export const CPU_KERNELS: readonly KernelConfig[] = [
  defineKernel<tf.Conv2DBackpropFilterAttrs>('Conv2DBackpropFilter', 'cpu', () => [
    js('Conv2D composite (dilated by the stride)', conv2dBackpropFilterViaConv),
  ]),
  defineKernel<tf.MaxPoolGradAttrs>('MaxPoolGrad', 'cpu', () => [js('JS scatter', maxPoolGradJs)]),
];

/**
 * Make the `wasm` backend's kernels those of {@link WASM_KERNELS} for these options: `native`
 * true or absent uses the native kernels when they load (EECAL_NATIVE=0 turns them off), false
 * never, and a NativeBlas object uses that one (tests wrap the addon to see it called). Calling
 * again with other options takes effect: switching native off puts the wasm Conv2D back.
 * May be called before or after `tf.setBackend('wasm')`. Returns the kernel names it changed
 * (empty when every kernel already was as asked).
 */
export function registerWasmTrainingKernels(opts: { native?: boolean | NativeBlas } = {}): string[] {
  // Load the wasm package first: its import registers the built-in kernels, and a built-in
  // registered *after* ours would silently replace it (tfjs only warns).
  require('@tensorflow/tfjs-backend-wasm');
  const nativeBlas =
    opts.native === false
      ? null
      : opts.native === true || opts.native === undefined
        ? loadNativeBlas().loaded
        : opts.native;
  return registerKernels(WASM_KERNELS, { native: nativeBlas });
}

/** One kernel eecal replaced and the implementations that run it, in the order they are tried. */
export interface KernelRoute {
  kernel: string;
  chain: string[];
}

/** What runs each of eecal's kernels on `backend` now (for `eecal doctor`): only the kernels it replaced. */
export function kernelRoutes(backend: 'wasm' | 'cpu'): KernelRoute[] {
  return (backend === 'wasm' ? WASM_KERNELS : CPU_KERNELS)
    .filter((k) => isEecalKernel(k.kernelName, backend))
    .map((k) => ({ kernel: k.kernelName, chain: kernelChain(k.kernelName, backend) }));
}

/** Make the `cpu` backend's kernels those of {@link CPU_KERNELS}. Returns the kernel names it changed. */
export function registerCpuTrainingKernels(): string[] {
  return registerKernels(CPU_KERNELS, { native: null });
}
