import type { FloatArray } from '../records/types';
import { checkTopLabel } from './checks';

/** Smooth ECE and the kernel bandwidth it was evaluated at. */
export interface SmoothEceResult {
  value: number;
  /** Gaussian kernel width σ (the fixed point smECE_σ ≈ σ). */
  sigma: number;
}

/** The relplot release whose `smECE` this module reproduces (named in the CLI help). */
export const RELPLOT_VERSION = '1.0.3';

/** Offset relplot adds to the smoothed density before dividing by it (`BaseKernelMixin.smooth`). */
const DENSITY_EPS = 0.0001;

/** numpy's `linspace(0, 1, n)`: j·(1/(n−1)), last node exactly 1. */
function linspace01(n: number): Float64Array {
  const t = new Float64Array(n);
  const step = 1 / (n - 1);
  for (let j = 0; j < n; j++) t[j] = j * step;
  t[n - 1] = 1;
  return t;
}

/**
 * Spread values onto a uniform grid of `points` nodes on [0, 1] by linear interpolation
 * (relplot's `smooth_round_to_grid`).
 */
function roundToGrid(f: FloatArray, values: ArrayLike<number>, points: number): Float64Array {
  const grid = new Float64Array(points);
  for (let i = 0; i < f.length; i++) {
    const x = f[i] * (points - 1);
    let b = Math.trunc(x);
    if (b > points - 2) b = points - 2;
    if (b < 0) b = 0;
    const frac = x - b;
    grid[b] += (1 - frac) * values[i];
    grid[b + 1] += frac * values[i];
  }
  return grid;
}

/**
 * Reflected Gaussian convolution of two grids at the nodes `at` only (relplot's
 * `ReflectedGaussianKernel.convolve`, written as a direct sum): the kernel is sampled at t_j − ½
 * on the grid's own linspace, the grid is mirrored at 0 and 1, and terms beyond 12σ (weight
 * < e^−72) are skipped. Only the nodes the interpolation reads are computed, for speed.
 */
function reflectedConvolveAt(
  a: Float64Array,
  b: Float64Array,
  sigma: number,
  at: Int32Array,
): [Float64Array, Float64Array] {
  const n = a.length;
  const half = Math.floor(n / 2);
  const t = linspace01(n);
  const norm = Math.sqrt(2 * Math.PI) * sigma;
  const ker = new Float64Array(n);
  let jLo = n;
  let jHi = -1;
  for (let j = 0; j < n; j++) {
    const d = t[j] - 0.5;
    if (Math.abs(d) > 12 * sigma) continue;
    ker[j] = Math.exp(-(d * d) / (2 * (sigma * sigma))) / norm;
    if (j < jLo) jLo = j;
    jHi = j;
  }
  const last = n - 1;
  const outA = new Float64Array(n);
  const outB = new Float64Array(n);
  for (const i of at) {
    let sa = 0;
    let sb = 0;
    for (let j = jLo; j <= jHi; j++) {
      let u = i + half - j;
      if (u < 0) u = -u;
      else if (u > last) u = 2 * last - u;
      sa += a[u] * ker[j];
      sb += b[u] * ker[j];
    }
    outA[i] = sa;
    outB[i] = sb;
  }
  return [outA, outB];
}

/**
 * smECE at a fixed bandwidth σ, as relplot 1.0.3's `smooth_ece`: Nadaraya–Watson smoothing of the
 * residual (f − y) with a reflected Gaussian kernel (residuals and ones spread on a grid of
 * ⌊max(2000, round(20/σ))/2⌋ + 1 nodes, convolved, linearly interpolated at max(round(10/σ), 200)
 * evaluation points t), then the density-weighted mean Σ_t |r̂(t)|·d̂(t) / Σ_t d̂(t), with
 * d̂ = smoothed density + 10⁻⁴. (relplot ≤ 1.0.1 instead averaged |smoothed residual| over the
 * grid uniformly; the two differ most at the endpoints, where the reflection piles up density.)
 */
export function smoothEceAt(confidence: FloatArray, correct: ArrayLike<number>, sigma: number): number {
  const N = confidence.length;
  const residual = new Float64Array(N);
  for (let i = 0; i < N; i++) residual[i] = confidence[i] - correct[i];
  const ones = new Float64Array(N).fill(1);
  // 20/σ and 10/σ are never halfway between integers for the dyadic σ the search visits, so
  // Math.round agrees with Python's round (which rounds halves to even).
  const gridPoints = Math.floor(Math.max(2000, Math.round(20 / sigma)) / 2) + 1;
  const evalPoints = Math.max(Math.round(10 / sigma), 200);
  const t = linspace01(evalPoints);
  const bucket = 1 / (gridPoints - 1);
  const lower = new Int32Array(evalPoints);
  const needed = new Uint8Array(gridPoints);
  for (let k = 0; k < evalPoints; k++) {
    let b = Math.trunc(t[k] * (gridPoints - 1));
    if (b > gridPoints - 2) b = gridPoints - 2;
    if (b < 0) b = 0;
    lower[k] = b;
    needed[b] = 1;
    needed[b + 1] = 1;
  }
  const at = Int32Array.from({ length: gridPoints }, (_, i) => i).filter((i) => needed[i] === 1);
  const [num, den] = reflectedConvolveAt(
    roundToGrid(confidence, residual, gridPoints),
    roundToGrid(confidence, ones, gridPoints),
    sigma,
    at,
  );
  let weighted = 0;
  let mass = 0;
  for (let k = 0; k < evalPoints; k++) {
    const b = lower[k];
    const w = (t[k] - b * bucket) / bucket;
    const r = num[b] * (1 - w) + num[b + 1] * w;
    const d = den[b] * (1 - w) + den[b + 1] * w + DENSITY_EPS;
    weighted += Math.abs(r / d) * d;
    mass += d;
  }
  return weighted / mass;
}

/**
 * Smooth ECE (Błasiok & Nakkiran, ICLR 2024), as relplot 1.0.3's `smECE`: the kernel-smoothed
 * L1 calibration error of {@link smoothEceAt}, at the bandwidth σ chosen automatically as the
 * fixed point smECE_σ = σ (bisection on σ ∈ (0, 1], 10 halvings, returning the upper end as
 * relplot does).
 * @param eps - bandwidths below this are accepted without evaluation (default 0.001).
 */
export function smoothEce(
  confidence: FloatArray,
  correct: ArrayLike<number>,
  opts: { eps?: number } = {},
): SmoothEceResult {
  checkTopLabel(confidence, correct, 'smoothEce');
  const eps = opts.eps ?? 0.001;
  const belowFixedPoint = (sigma: number): boolean => sigma < eps || sigma < smoothEceAt(confidence, correct, sigma);
  let sigma = 1;
  if (!belowFixedPoint(1)) {
    let end = 0;
    for (let k = 0; k < 10; k++) {
      const mid = (sigma + end) / 2;
      if (belowFixedPoint(mid)) end = mid;
      else sigma = mid;
    }
  }
  return { value: smoothEceAt(confidence, correct, sigma), sigma };
}
