import { conv2dBackpropFilterViaConv } from './conv2dBackpropFilter';
import { conv2dBackpropInputViaConv } from './conv2dBackpropInput';
import { matMulViaExplicitTranspose } from './matMulTransposes';
import { maxPoolGradJs } from './maxPoolGrad';
import { identityShared } from './identityShared';
import { lrnJs } from './lrnForward';
import { lrnGradJs } from './lrnGrad';
import { registerComposite } from './registerComposite';
import { nativeMaxPoolGrad } from './nativeMaxPoolGrad';
import { sumLeadingAxes } from './sumLeadingAxes';
import { nativeConv2d, nativeConv2dBackpropFilter, nativeConv2dBackpropInput } from './nativeConv';
import { loadNativeBlas, type NativeBlas } from '../nativeBlas';

export { isEecalKernel, unregisterComposite } from './registerComposite';

/** The convolution kernels the native build replaces. */
export const NATIVE_CONV_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const;
/** Every kernel whose implementation the native build changes (the convolutions and MaxPoolGrad). */
export const NATIVE_KERNELS = [...NATIVE_CONV_KERNELS, 'MaxPoolGrad'] as const;

/**
 * Register the gradient kernels that training needs on the `wasm` backend (tfjs-backend-wasm
 * 4.22 lacks Conv2DBackpropFilter, and its Conv2DBackpropInput is a naive loop):
 * - Conv2DBackpropFilter: one dilated XNNPACK Conv2D (see `conv2dBackpropFilter.ts`);
 * - Conv2DBackpropInput: one XNNPACK Conv2D on the (zero-dilated) dy with the flipped filter;
 * - BatchMatMul / _FusedMatMul with transpose flags: explicit Transpose, then the XNNPACK path;
 * - MaxPoolGrad: a single-pass argmax scatter in JavaScript over the wasm heap;
 * - Identity: shares the input's heap buffer instead of copying it (the engine clones every
 *   tensor a gradient saves);
 * - Sum over all axes but the last (bias gradients): one JS pass, no transpose;
 * - LRN: JS over the wasm heap, d^−0.75 from square roots instead of std::pow per element;
 * - LRNGrad: the same in one gather pass per pixel instead of a scatter with std::pow per term.
 * With eecal's native kernels built (`npm run build:native`), the convolutions — Conv2D,
 * FusedConv2D, dW and dX, ~85 % of a B-AlexNet step — run as im2col + OpenBLAS GEMM on the wasm
 * heap instead, and MaxPoolGrad as the same scatter in C (see `native/eecal_blas.c`);
 * `native: false` (or EECAL_NATIVE=0) keeps them in wasm/JS.
 * Idempotent; may be called before or after `tf.setBackend('wasm')`. Returns the kernel names
 * it registered on this call (empty when already registered).
 */
export function registerWasmTrainingKernels(opts: { native?: boolean } = {}): string[] {
  // Load the wasm package first: its import registers the built-in kernels, and a built-in
  // registered *after* ours would silently replace it (tfjs only warns).
  require('@tensorflow/tfjs-backend-wasm');
  const native: NativeBlas | null = opts.native === false ? null : loadNativeBlas().loaded;
  const done: string[] = [];
  const dW = native ? nativeConv2dBackpropFilter(native, conv2dBackpropFilterViaConv) : conv2dBackpropFilterViaConv;
  const dX = native ? nativeConv2dBackpropInput(native, conv2dBackpropInputViaConv) : conv2dBackpropInputViaConv;
  if (registerComposite('Conv2DBackpropFilter', 'wasm', dW)) done.push('Conv2DBackpropFilter');
  if (registerComposite('Conv2DBackpropInput', 'wasm', dX)) done.push('Conv2DBackpropInput');
  if (native) {
    if (registerComposite('Conv2D', 'wasm', nativeConv2d(native))) done.push('Conv2D');
    if (registerComposite('FusedConv2D', 'wasm', nativeConv2d(native))) done.push('FusedConv2D');
  }
  if (registerComposite('BatchMatMul', 'wasm', matMulViaExplicitTranspose)) done.push('BatchMatMul');
  if (registerComposite('_FusedMatMul', 'wasm', matMulViaExplicitTranspose)) done.push('_FusedMatMul');
  const poolGrad = native ? nativeMaxPoolGrad(native, maxPoolGradJs) : maxPoolGradJs;
  if (registerComposite('MaxPoolGrad', 'wasm', poolGrad)) done.push('MaxPoolGrad');
  if (registerComposite('Identity', 'wasm', identityShared)) done.push('Identity');
  if (registerComposite('Sum', 'wasm', sumLeadingAxes)) done.push('Sum');
  if (registerComposite('LRN', 'wasm', lrnJs)) done.push('LRN');
  if (registerComposite('LRNGrad', 'wasm', lrnGradJs)) done.push('LRNGrad');
  return done;
}

/**
 * Register faster training kernels on the `cpu` backend:
 * - Conv2DBackpropFilter: the stock one loops over `TensorBuffer.get()` and costs ~270 s per
 *   B-AlexNet step at batch 64; the composite runs the cpu backend's Conv2D (~50× faster
 *   in a profiled step, bench/profileStep.ts);
 * - MaxPoolGrad: the same single-pass JS scatter as on wasm (same results as the stock kernel,
 *   which took 1.7 s of a 14 s step).
 * Idempotent; returns the kernel names it registered on this call.
 */
export function registerCpuTrainingKernels(): string[] {
  const done: string[] = [];
  if (registerComposite('Conv2DBackpropFilter', 'cpu', conv2dBackpropFilterViaConv)) done.push('Conv2DBackpropFilter');
  if (registerComposite('MaxPoolGrad', 'cpu', maxPoolGradJs)) done.push('MaxPoolGrad');
  return done;
}
