import type * as tf from '@tensorflow/tfjs';

/**
 * Parameters of tfjs's local response normalisation over the last (channel) axis:
 *   norm[c] = bias + alpha · Σ_{k=max(0,c−r)}^{min(C−1,c+r)} x[k]²,   y[c] = x[c] · norm[c]^−beta
 * (r = depthRadius; near the channel edges the window is clipped to [0, C): fewer terms, no
 * wrap-around). The same window serves LRN and LRNGrad.
 */
export interface LrnParams {
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

/**
 * The LRN/LRNGrad attrs (`depthRadius, bias, alpha, beta`, tfjs names) as numbers; null when they
 * are not what eecal's kernels handle (a depthRadius that is not a non-negative integer, a
 * non-finite value): the caller then defers to the backend's own kernel.
 */
export function lrnParams(attrs: tf.LRNAttrs): LrnParams | null {
  // Checked although typed: a model file can carry any JSON here.
  const p: LrnParams = { depthRadius: attrs.depthRadius, bias: attrs.bias, alpha: attrs.alpha, beta: attrs.beta };
  if (!Object.values(p).every((v: unknown) => typeof v === 'number' && Number.isFinite(v))) return null;
  if (!Number.isInteger(p.depthRadius) || p.depthRadius < 0) return null;
  return p;
}

/**
 * Per-call scratch for one pixel's channels, allocated once per kernel call (never per pixel).
 * It holds C values with depthRadius zeros on each side, so every window is the same
 * 2r+1 consecutive entries and needs no edge tests; the zeros add nothing, which is exactly
 * tfjs's clipping.
 */
export function paddedScratch(C: number, depthRadius: number): Float64Array {
  return new Float64Array(C + 2 * depthRadius);
}

/** sq[c + r] = x[base + c]² for the C channels of one pixel (sq: a paddedScratch; its pads stay 0). */
export function squaresInto(x: Float32Array, base: number, C: number, r: number, sq: Float64Array): void {
  for (let c = 0; c < C; c++) {
    const z = x[base + c];
    sq[c + r] = z * z;
  }
}

/**
 * a[start] + … + a[start + w − 1]: one window of a padded scratch, summed afresh in float64 (like
 * tfjs-backend-cpu) rather than kept as a running sum (add the entering, subtract the leaving
 * value). Why: a running sum loses the small values of a window that a large value has just left
 * (cancellation); re-summing is exact, and with three terms measured as fast as the running sum.
 * Used for depthRadius ≠ 1 (radius 1 has its own loops, which shift the three terms through
 * locals: no subtraction either).
 */
export function windowSum(a: Float64Array, start: number, w: number): number {
  let s = 0;
  for (let j = start, end = start + w; j < end; j++) s += a[j];
  return s;
}

/**
 * d^−beta. For beta = 0.75 (B-AlexNet, AlexNet) as 1/(√d·⁴√d): two square roots and a division,
 * ≈10× cheaper than Math.pow in V8 and exact up to float64 rounding (a few ulp, far below the
 * float32 result's); also Math.pow's value at the edges (d = 0 → ∞, d = ∞ → 0, d < 0 → NaN).
 * Any other beta: Math.pow.
 */
export function negPow(d: number, beta: number): number {
  if (beta !== 0.75) return Math.pow(d, -beta);
  const q = Math.sqrt(d);
  return 1 / (q * Math.sqrt(q));
}
