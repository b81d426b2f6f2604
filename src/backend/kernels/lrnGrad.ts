import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../../errors';
import { float32Memory } from './float32Memory';
import { requireInput, type KernelCalls } from './kernelCall';
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
export function lrnGradient(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  C: number,
  p: LrnParams,
): void {
  if (C === 0) return;
  if (p.depthRadius === 1) lrnGradientRadius1(x, y, dy, dx, C, p);
  else lrnGradientAnyRadius(x, y, dy, dx, C, p);
}

/**
 * depthRadius 1 (B-AlexNet) in one pass per pixel: channel c+1's norm, norm^−beta and
 * dy·y/norm are computed one step ahead and roll through locals with c−1's and c's, so there is
 * no scratch and no second pass (measured ≈1.8× faster than the general two-pass loop).
 */
function lrnGradientRadius1(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  C: number,
  p: LrnParams,
): void {
  const { bias, alpha, beta } = p;
  const k2ab = -2 * alpha * beta;
  const pow = negPow; // local alias: see lrnGradientAnyRadius
  const n = x.length;
  for (let base = 0; base < n; base += C) {
    // Squares of channels c and c+1 (0 past the last channel: the clipped window).
    let sqC = x[base] * x[base];
    let sqN = C > 1 ? x[base + 1] * x[base + 1] : 0;
    const norm0 = bias + alpha * (sqC + sqN);
    let pwCur = pow(norm0, beta);
    let tPrev = 0; // dy·y/norm of channel c−1 (0 before the first channel)
    let tCur = (dy[base] * y[base]) / norm0;
    for (let c = 0; c < C; c++) {
      let tNext = 0;
      let pwNext = 0;
      if (c + 1 < C) {
        const z = c + 2 < C ? x[base + c + 2] : 0;
        const sqNN = z * z;
        const norm = bias + alpha * (sqC + sqN + sqNN); // window of c+1: c, c+1, c+2
        pwNext = pow(norm, beta);
        tNext = (dy[base + c + 1] * y[base + c + 1]) / norm;
        sqC = sqN;
        sqN = sqNN;
      }
      dx[base + c] = dy[base + c] * pwCur + k2ab * x[base + c] * (tPrev + tCur + tNext);
      tPrev = tCur;
      tCur = tNext;
      pwCur = pwNext;
    }
  }
}

function lrnGradientAnyRadius(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  C: number,
  p: LrnParams,
): void {
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
 * tfjs-backend-wasm's LRNGrad scatters 2r+1 terms per element, each with a division, plus
 * std::pow; the gather above is faster (the LRNGrad calls of a B-AlexNet training step at batch 64:
 * 22.7 → 12.5 ms, `npm run bench:train -- --profile-only --compare-kernels LRN,LRNGrad`). Non-float32 inputs or unusual
 * attrs → null (the backend's kernel).
 */
export function lrnGradJs(
  calls: KernelCalls,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.LRNGradAttrs,
): tf.TensorInfo | null {
  const x = requireInput(inputs, 'x', 'LRNGrad');
  const y = requireInput(inputs, 'y', 'LRNGrad');
  const dy = requireInput(inputs, 'dy', 'LRNGrad');
  const p = lrnParams(attrs);
  if (!p || x.dtype !== 'float32' || y.dtype !== 'float32' || dy.dtype !== 'float32' || dy.shape.length === 0)
    return null;
  if (!tf.util.arraysEqual(x.shape, dy.shape) || !tf.util.arraysEqual(y.shape, dy.shape)) {
    throw new BackendError(
      `LRNGrad: inputs x [${x.shape}], y [${y.shape}] and dy [${dy.shape}] must have the same shape`,
    );
  }
  const mem = float32Memory(calls);
  const out = mem.alloc(dy.shape);
  lrnGradient(mem.view(x), mem.view(y), mem.view(dy), mem.view(out), dy.shape[dy.shape.length - 1], p);
  return out;
}
