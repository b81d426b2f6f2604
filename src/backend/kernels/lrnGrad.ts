import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../../errors';
import { float32Memory } from './float32Memory';
import { requireInput, type KernelAttrs, type KernelCalls } from './kernelCall';
import { lrnParams, negPow, paddedScratch, squaresInto, windowSum, type LrnParams } from './lrnWindow';

/**
 * dx of LRN over the last axis, the gradient tfjs-backend-cpu's LRNGrad computes. That kernel
 * scatters, for every channel i and every k in i's window W(i),
 *   dx[k] += dy[i] · (−2·alpha·beta · x[k] · y[i] / norm[i] + [k = i] · norm[i]^−beta).
 * The window is symmetric (k ∈ W(i) ⇔ i ∈ W(k), both clipped to [0, C)), so gathering instead:
 *   dx[k] = dy[k] · norm[k]^−beta − 2·alpha·beta · x[k] · Σ_{i ∈ W(k)} dy[i] · y[i] / norm[i],
 * one window sum per channel instead of 2r+1 scattered read-modify-writes. y is the forward output
 * as given (not recomputed), as in tfjs; sums in float64, one rounding to float32 (tfjs adds each
 * term into the float32 result, so it rounds more often: the two differ by float32 rounding).
 */
export function lrnGradient(x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, C: number, p: LrnParams): void {
  if (C === 0) return;
  const { depthRadius: r, bias, alpha, beta } = p;
  const w = 2 * r + 1;
  const n = x.length;
  const k2ab = -2 * alpha * beta;
  const sq = paddedScratch(C, r);
  const t = paddedScratch(C, r); // dy·y/norm per channel, zero-padded like sq
  const pw = new Float64Array(C); // norm^−beta per channel
  // Local aliases: under tsx/esbuild an imported function is a getter on the module object,
  // and calling it through that getter in the hot loop was measured ≈3× slower.
  const [squares, sum, pow] = [squaresInto, windowSum, negPow];
  for (let base = 0; base < n; base += C) {
    squares(x, base, C, r, sq);
    for (let c = 0; c < C; c++) {
      const norm = bias + alpha * sum(sq, c, w);
      pw[c] = pow(norm, beta);
      t[c + r] = (dy[base + c] * y[base + c]) / norm;
    }
    for (let c = 0; c < C; c++) dx[base + c] = dy[base + c] * pw[c] + k2ab * x[base + c] * sum(t, c, w);
  }
}

/**
 * LRNGrad kernel (inputs x, y, dy) in JavaScript over the backend's memory. Why:
 * tfjs-backend-wasm's LRNGrad re-sums each window and calls std::pow per (element, window
 * position); ≈25 ms for B-AlexNet's lrn1 gradient at batch 128. Non-float32 inputs or unusual
 * attrs → null (the backend's kernel).
 */
export function lrnGradJs(calls: KernelCalls, inputs: tf.NamedTensorInfoMap, attrs: KernelAttrs): tf.TensorInfo | null {
  const x = requireInput(inputs, 'x', 'LRNGrad');
  const y = requireInput(inputs, 'y', 'LRNGrad');
  const dy = requireInput(inputs, 'dy', 'LRNGrad');
  const p = lrnParams(attrs);
  if (!p || x.dtype !== 'float32' || y.dtype !== 'float32' || dy.dtype !== 'float32' || dy.shape.length === 0) return null;
  if (!tf.util.arraysEqual(x.shape, dy.shape) || !tf.util.arraysEqual(y.shape, dy.shape)) {
    throw new BackendError(`LRNGrad: inputs x [${x.shape}], y [${y.shape}] and dy [${dy.shape}] must have the same shape`);
  }
  const mem = float32Memory(calls);
  const out = mem.alloc(dy.shape);
  lrnGradient(mem.view(x), mem.view(y), mem.view(dy), mem.view(out), dy.shape[dy.shape.length - 1], p);
  return out;
}
