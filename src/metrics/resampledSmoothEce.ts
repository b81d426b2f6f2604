import { EecalError, ShapeMismatchError } from '../errors';
import type { FloatArray } from '../records/types';
import { checkTopLabel } from './checks';
import type { SmoothEceResult } from './smoothEce';

/**
 * Smooth ECE of many reweightings (bootstrap resamples) of one fixed set of points, equal to
 * {@link smoothEce} of each gathered resample up to the order of floating-point summation.
 *
 * Why it is fast: smECE at a bandwidth σ is linear in the grid of spread residuals up to the final
 * |·|. So the whole map "grid cell → smoothed residual at every evaluation point" (reflected
 * Gaussian convolution, then linear interpolation) is built once per σ as a dense matrix over the
 * grid cells the points touch, and cached: the bisection visits the same dyadic σ values in every
 * resample. A resample then costs one spread of its multiplicities onto the grid and, per σ, one
 * pass over its nonzero cells; the smoothed density enters only through its total, which is a dot
 * product with the matrix's precomputed column sums. Before paying even that pass, the bisection
 * tries two O(cells) bounds on smECE_σ (triangle inequality above, the mass-weighted mean residual
 * below) and evaluates exactly only when σ lies between them.
 */

/** Offset relplot adds to the smoothed density (as in smoothEce.ts). */
const DENSITY_EPS = 0.0001;
/** Largest total size (in float64 entries) of the cached per-σ matrices: 256 MiB. */
const CACHE_ENTRIES = 32 * 1024 * 1024;
/**
 * A bound decides a bisection step only when σ clears it by this relative margin, so rounding in
 * the bound can never flip a decision the exact evaluation would make.
 */
const BOUND_MARGIN = 1e-9;

/** numpy's `linspace(0, 1, n)`, as in smoothEce.ts. */
function linspace01(n: number): Float64Array {
  const t = new Float64Array(n);
  const step = 1 / (n - 1);
  for (let j = 0; j < n; j++) t[j] = j * step;
  t[n - 1] = 1;
  return t;
}

/** Grid nodes relplot uses at bandwidth σ. */
function gridPointsOf(sigma: number): number {
  return Math.floor(Math.max(2000, Math.round(20 / sigma)) / 2) + 1;
}

/** Where each point lands on a grid of G nodes (relplot's `smooth_round_to_grid`), and which cells are touched. */
interface GridLayout {
  G: number;
  /** Per point: index into `cells` of its lower node (the upper node is the next entry). */
  lowerCell: Int32Array;
  /** Per point: its weight on the upper node. */
  frac: Float64Array;
  /** Grid nodes touched by any point, ascending. */
  cells: Int32Array;
  /** Per cell: Σ count·residual·weight of the current resample. */
  num: Float64Array;
  /** Per cell: Σ count·weight of the current resample. */
  den: Float64Array;
  /** Resample serial number `num`/`den` were spread for. */
  spreadFor: number;
}

/** The linear map cells → smoothed residual at each evaluation point, for one σ. */
interface SigmaOperator {
  E: number;
  /** Cell-major E×cells matrix: entry (c, k) is the weight of cell c at evaluation point k. */
  weights: Float64Array;
  /** Per cell: Σ_k weights(c, k), i.e. its share of the smoothed density's total. */
  colMass: Float64Array;
}

function layoutOf(confidence: FloatArray, G: number): GridLayout {
  const N = confidence.length;
  const lower = new Int32Array(N);
  const frac = new Float64Array(N);
  const touched = new Uint8Array(G);
  for (let i = 0; i < N; i++) {
    const x = confidence[i] * (G - 1);
    let b = Math.trunc(x);
    if (b > G - 2) b = G - 2;
    if (b < 0) b = 0;
    lower[i] = b;
    frac[i] = x - b;
    touched[b] = 1;
    touched[b + 1] = 1;
  }
  const cells = Int32Array.from({ length: G }, (_, i) => i).filter((i) => touched[i] === 1);
  const indexOf = new Int32Array(G).fill(-1);
  cells.forEach((g, c) => { indexOf[g] = c; });
  const lowerCell = Int32Array.from(lower, (b) => indexOf[b]);
  return { G, lowerCell, frac, cells, num: new Float64Array(cells.length), den: new Float64Array(cells.length), spreadFor: -1 };
}

/**
 * The matrix of {@link SigmaOperator} for σ, with exactly smoothEce.ts's kernel (sampled at
 * t_j − ½ on the grid's linspace, cut beyond 12σ), mirroring at nodes 0 and G−1, and
 * interpolation. Cell u reaches node i through at most three kernel taps: directly (tap
 * i + half − u), mirrored at 0 (tap i + half + u, for u > 0) and mirrored at G−1
 * (tap i + half − 2(G−1) + u, for u < G−1).
 */
function operatorOf(layout: GridLayout, sigma: number): SigmaOperator {
  const { G, cells } = layout;
  const half = Math.floor(G / 2);
  const last = G - 1;
  const tg = linspace01(G);
  const norm = Math.sqrt(2 * Math.PI) * sigma;
  const ker = new Float64Array(G);
  for (let j = 0; j < G; j++) {
    const d = tg[j] - 0.5;
    if (Math.abs(d) > 12 * sigma) continue;
    ker[j] = Math.exp(-(d * d) / (2 * (sigma * sigma))) / norm;
  }
  const tap = (j: number): number => (j >= 0 && j < G ? ker[j] : 0);
  const coef = (i: number, u: number): number =>
    tap(i + half - u) + (u > 0 ? tap(i + half + u) : 0) + (u < last ? tap(i + half - 2 * last + u) : 0);

  const E = Math.max(Math.round(10 / sigma), 200);
  const t = linspace01(E);
  const bucket = 1 / last;
  const weights = new Float64Array(cells.length * E);
  const colMass = new Float64Array(cells.length);
  for (let k = 0; k < E; k++) {
    let b = Math.trunc(t[k] * last);
    if (b > G - 2) b = G - 2;
    if (b < 0) b = 0;
    const w = (t[k] - b * bucket) / bucket;
    for (let c = 0; c < cells.length; c++) {
      const u = cells[c];
      const v = coef(b, u) * (1 - w) + coef(b + 1, u) * w;
      weights[c * E + k] = v;
      colMass[c] += v;
    }
  }
  return { E, weights, colMass };
}

/**
 * Prepares smooth ECE for reweightings of (confidence, correct): the returned function takes the
 * multiplicity of every point (a bootstrap resample's counts; all ones gives the plain smECE) and
 * returns what {@link smoothEce} returns on the gathered points.
 * @param eps - bandwidths below this are accepted without evaluation (default 0.001), as in smoothEce.
 */
export function resampledSmoothEce(
  confidence: FloatArray, correct: ArrayLike<number>, opts: { eps?: number } = {},
): (count: ArrayLike<number>) => SmoothEceResult {
  checkTopLabel(confidence, correct, 'resampledSmoothEce');
  const eps = opts.eps ?? 0.001;
  const N = confidence.length;
  const residual = Float64Array.from({ length: N }, (_, i) => confidence[i] - correct[i]);
  const layouts = new Map<number, GridLayout>();
  const operators = new Map<number, SigmaOperator>();
  let cached = 0;
  let serial = 0;
  let counts: ArrayLike<number> = new Float64Array(N);
  let sum = new Float64Array(0);

  const spread = (G: number): GridLayout => {
    let layout = layouts.get(G);
    if (layout === undefined) {
      layout = layoutOf(confidence, G);
      layouts.set(G, layout);
    }
    if (layout.spreadFor !== serial) {
      const { num, den, lowerCell, frac } = layout;
      num.fill(0);
      den.fill(0);
      for (let i = 0; i < N; i++) {
        const w = counts[i];
        if (w === 0) continue;
        const c = lowerCell[i];
        const f = frac[i];
        // Same products as roundToGrid, times the multiplicity.
        num[c] += w * ((1 - f) * residual[i]);
        num[c + 1] += w * (f * residual[i]);
        den[c] += w * (1 - f);
        den[c + 1] += w * f;
      }
      layout.spreadFor = serial;
    }
    return layout;
  };

  const operator = (layout: GridLayout, sigma: number): SigmaOperator => {
    let op = operators.get(sigma);
    if (op !== undefined) return op;
    op = operatorOf(layout, sigma);
    if (cached + op.weights.length <= CACHE_ENTRIES) {
      operators.set(sigma, op);
      cached += op.weights.length;
    }
    return op;
  };

  /** The grid of the current resample, σ's operator and the smoothed density's total at σ. */
  const evaluate = (sigma: number): { layout: GridLayout; op: SigmaOperator; mass: number } => {
    const layout = spread(gridPointsOf(sigma));
    const op = operator(layout, sigma);
    let mass = op.E * DENSITY_EPS;
    for (let c = 0; c < layout.den.length; c++) mass += layout.den[c] * op.colMass[c];
    return { layout, op, mass };
  };

  const exact = (layout: GridLayout, op: SigmaOperator, mass: number): number => {
    const { E, weights } = op;
    if (sum.length < E) sum = new Float64Array(E);
    sum.fill(0, 0, E);
    const num = layout.num;
    for (let c = 0; c < num.length; c++) {
      const a = num[c];
      if (a === 0) continue;
      const base = c * E;
      for (let k = 0; k < E; k++) sum[k] += a * weights[base + k];
    }
    let weighted = 0;
    for (let k = 0; k < E; k++) weighted += Math.abs(sum[k]);
    return weighted / mass;
  };

  const smoothEceAt = (sigma: number): number => {
    const { layout, op, mass } = evaluate(sigma);
    return exact(layout, op, mass);
  };

  /** σ < smECE_σ, deciding from the bounds when they leave no doubt. */
  const belowFixedPoint = (sigma: number): boolean => {
    if (sigma < eps) return true;
    const { layout, op, mass } = evaluate(sigma);
    let signed = 0;
    let absolute = 0;
    for (let c = 0; c < layout.num.length; c++) {
      const v = layout.num[c] * op.colMass[c];
      signed += v;
      absolute += Math.abs(v);
    }
    if (sigma >= (absolute / mass) * (1 + BOUND_MARGIN) + 1e-300) return false;
    if (sigma < (Math.abs(signed) / mass) * (1 - BOUND_MARGIN)) return true;
    return sigma < exact(layout, op, mass);
  };

  return (count) => {
    if (count.length !== N) throw new ShapeMismatchError(`resampledSmoothEce: ${count.length} counts, expected ${N}`);
    let total = 0;
    for (let i = 0; i < N; i++) {
      const w = count[i];
      if (!(w >= 0)) throw new EecalError(`resampledSmoothEce: count[${i}] = ${w}: expected a multiplicity ≥ 0`);
      total += w;
    }
    if (total === 0) throw new EecalError('resampledSmoothEce: all counts are 0 (expected at least one point)');
    counts = count;
    serial++;
    let sigma = 1;
    if (!belowFixedPoint(1)) {
      let end = 0;
      for (let k = 0; k < 10; k++) {
        const mid = (sigma + end) / 2;
        if (belowFixedPoint(mid)) end = mid;
        else sigma = mid;
      }
    }
    return { value: smoothEceAt(sigma), sigma };
  };
}
