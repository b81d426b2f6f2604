import * as tf from '@tensorflow/tfjs';
import { float32Memory } from './float32Memory';
import { requireInput, type KernelAttrs, type KernelCalls } from './kernelCall';
import { lrnParams, negPow, paddedScratch, squaresInto, windowSum, type LrnParams } from './lrnWindow';

/**
 * y = x · norm^−beta over the last axis of x (C channels per pixel, row-major), the values of
 * tfjs-backend-cpu's LRN: window sums and the power in float64, rounded once to float32.
 * (Parameters are copied to locals once: the hot loop then reads no object properties.)
 */
export function lrnForward(x: Float32Array, y: Float32Array, C: number, p: LrnParams): void {
  if (C === 0) return;
  const { depthRadius: r, bias, alpha, beta } = p;
  const w = 2 * r + 1;
  const n = x.length;
  const sq = paddedScratch(C, r);
  // Local aliases: under tsx/esbuild an imported function is a getter on the module object,
  // and calling it through that getter in the hot loop was measured ≈3× slower.
  const [squares, sum, pow] = [squaresInto, windowSum, negPow];
  for (let base = 0; base < n; base += C) {
    squares(x, base, C, r, sq);
    for (let c = 0; c < C; c++) y[base + c] = x[base + c] * pow(bias + alpha * sum(sq, c, w), beta);
  }
}

/**
 * LRN kernel in JavaScript over the backend's memory. Why: tfjs-backend-wasm's LRN calls
 * std::pow for every element (≈18 ms for B-AlexNet's lrn1 at batch 128, [128,16,16,32]); with
 * the square-root form of d^−0.75 this is ≈2.5× faster. Non-float32 input or unusual attrs →
 * null (the backend's kernel).
 */
export function lrnJs(calls: KernelCalls, inputs: tf.NamedTensorInfoMap, attrs: KernelAttrs): tf.TensorInfo | null {
  const x = requireInput(inputs, 'x', 'LRN');
  const p = lrnParams(attrs);
  if (!p || x.dtype !== 'float32' || x.shape.length === 0) return null;
  const mem = float32Memory(calls);
  const out = mem.alloc(x.shape);
  lrnForward(mem.view(x), mem.view(out), x.shape[x.shape.length - 1], p);
  return out;
}
