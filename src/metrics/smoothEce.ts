import type { FloatArray } from '../records/types';
import { checkTopLabel } from './checks';

/** Smooth ECE and the kernel bandwidth it was evaluated at. */
export interface SmoothEceResult {
  value: number;
  /** Gaussian kernel width σ (the fixed point smECE_σ ≈ σ). */
  sigma: number;
}

/**
 * Spread residuals onto a uniform grid of `points` nodes on [0, 1] by linear interpolation
 * (relplot's `smooth_round_to_grid`).
 */
function roundToGrid(f: FloatArray, residual: Float64Array, points: number): Float64Array {
  const values = new Float64Array(points);
  for (let i = 0; i < f.length; i++) {
    const x = f[i] * (points - 1);
    let b = Math.trunc(x);
    if (b > points - 2) b = points - 2;
    if (b < 0) b = 0;
    const frac = x - b;
    values[b] += (1 - frac) * residual[i];
    values[b + 1] += frac * residual[i];
  }
  return values;
}

/**
 * Σ|reflected-Gaussian-smoothed residual| / n on the grid: relplot's `smooth_ece_interpolated`
 * with its `ReflectedGaussianKernel.convolve`, written as a direct sum. The kernel is sampled
 * at t_j − ½ (t_j = j/(n−1)), the grid is mirrored at 0 and 1, and terms beyond 12σ (weight
 * < e^−72) are skipped, which keeps small σ (large grids) fast.
 */
function smoothedAbsResidual(r: Float64Array, sigma: number): number {
  const n = r.length;
  const half = Math.floor(n / 2);
  const norm = 1 / (Math.sqrt(2 * Math.PI) * sigma);
  const ker = new Float64Array(n);
  let jLo = n;
  let jHi = -1;
  for (let j = 0; j < n; j++) {
    const d = j / (n - 1) - 0.5;
    if (Math.abs(d) > 12 * sigma) continue;
    ker[j] = Math.exp(-(d * d) / (2 * sigma * sigma)) * norm;
    if (j < jLo) jLo = j;
    jHi = j;
  }
  const last = n - 1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = jLo; j <= jHi; j++) {
      let u = i + half - j;
      if (u < 0) u = -u;
      else if (u > last) u = 2 * last - u;
      s += r[u] * ker[j];
    }
    total += Math.abs(s);
  }
  return total / n;
}

/**
 * Smooth ECE (Błasiok & Nakkiran 2023, relplot's `smECE`): the L1 size of the kernel-smoothed
 * residual (confidence − correct), with a reflected Gaussian kernel whose width σ is chosen
 * automatically as the fixed point smECE_σ = σ (bisection on σ ∈ (0, 1], 10 halvings, returning
 * the upper end as relplot does). The residuals are discretised on a 200-node grid, refined ×4
 * whenever 20/σ exceeds it, exactly as relplot's `smECE_fast`.
 * @param eps - bandwidths below this are accepted without evaluation (default 0.001).
 */
export function smoothEce(confidence: FloatArray, correct: ArrayLike<number>, opts: { eps?: number } = {}): SmoothEceResult {
  checkTopLabel(confidence, correct, 'smoothEce');
  const eps = opts.eps ?? 0.001;
  const N = confidence.length;
  const residual = new Float64Array(N);
  for (let i = 0; i < N; i++) residual[i] = confidence[i] - correct[i];
  let points = 200;
  let grid = scaled(roundToGrid(confidence, residual, points), N);
  const ensureResolution = (sigma: number): void => {
    let changed = false;
    while (Math.round(20 / sigma) > points) {
      points *= 4;
      changed = true;
    }
    if (changed) grid = scaled(roundToGrid(confidence, residual, points), N);
  };
  const belowFixedPoint = (sigma: number): boolean => {
    ensureResolution(sigma);
    return sigma < eps || sigma < smoothedAbsResidual(grid, sigma);
  };
  let sigma = 1;
  if (!belowFixedPoint(1)) {
    let end = 0;
    for (let k = 0; k < 10; k++) {
      const mid = (sigma + end) / 2;
      if (belowFixedPoint(mid)) end = mid;
      else sigma = mid;
    }
  }
  return { value: smoothedAbsResidual(grid, sigma), sigma };
}

function scaled(v: Float64Array, n: number): Float64Array {
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}
