import * as tf from '@tensorflow/tfjs';
import { float32Memory } from './float32Memory';
import { requireInput, type KernelCalls } from './kernelCall';
import { lrnParams, negPow, paddedScratch, squaresInto, windowSum, type LrnParams } from './lrnWindow';

/**
 * y = x · norm^−beta over the last axis of x (C channels per pixel, row-major), the values of
 * tfjs-backend-cpu's LRN: window sums and the power in float64, rounded once to float32.
 */
export function lrnForward(x: Float32Array, y: Float32Array, C: number, p: LrnParams): void {
  if (C === 0) return;
  if (p.depthRadius === 1) lrnForwardRadius1(x, y, C, p);
  else lrnForwardAnyRadius(x, y, C, p);
}

/**
 * depthRadius 1 (B-AlexNet): the three squares of the window roll through locals, no scratch
 * (measured ≈20% faster than the general loop). Sums in tfjs's order, so the same values.
 */
function lrnForwardRadius1(x: Float32Array, y: Float32Array, C: number, p: LrnParams): void {
  const { bias, alpha, beta } = p;
  const pow = negPow; // local alias: see lrnForwardAnyRadius
  const n = x.length;
  for (let base = 0; base < n; base += C) {
    let prev = 0; // x[c−1]² (0 before the first channel: the clipped window)
    let cur = x[base] * x[base];
    for (let c = 0; c < C; c++) {
      const z = c + 1 < C ? x[base + c + 1] : 0;
      const next = z * z;
      y[base + c] = x[base + c] * pow(bias + alpha * (prev + cur + next), beta);
      prev = cur;
      cur = next;
    }
  }
}

function lrnForwardAnyRadius(x: Float32Array, y: Float32Array, C: number, p: LrnParams): void {
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
 * std::pow for every element; with the square-root form of d^−0.75 and the rolling window this
 * is faster: the four LRN calls of a B-AlexNet inference pass at batch 128 take 14–16 ms instead of
 * 27–29 ms (`npm run bench:kernels`, section 1). Non-float32 input or unusual attrs → null (the backend's kernel).
 */
export function lrnJs(calls: KernelCalls, inputs: tf.NamedTensorInfoMap, attrs: tf.LRNAttrs): tf.TensorInfo | null {
  const x = requireInput(inputs, 'x', 'LRN');
  const p = lrnParams(attrs);
  if (!p || x.dtype !== 'float32' || x.shape.length === 0) return null;
  const mem = float32Memory(calls);
  const out = mem.alloc(x.shape);
  lrnForward(mem.view(x), mem.view(out), x.shape[x.shape.length - 1], p);
  return out;
}
