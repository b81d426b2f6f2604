import { EecalError, ShapeMismatchError } from '../errors';
import type { FloatArray } from '../records/types';
import { checkTopLabel } from './checks';
import type { SmoothEceResult } from './smoothEce';

/**
 * Smooth ECE of many reweightings (bootstrap resamples) of one fixed set of points, equal to
 * {@link smoothEce} of each gathered resample up to the order of floating-point summation.
 *
 * Why it is fast: a resample only reweights the same points, and smECE at a bandwidth σ is linear
 * in the grid of spread residuals up to the final |·|. So per σ (the bisection visits the same
 * dyadic σ values in every resample) everything that does not depend on the counts is built once
 * and cached (what depends on σ alone, and each grid node's column mass and weight row, is shared
 * by every resampler in the process, i.e. by all exits), and a resample costs one spread of its
 * multiplicities onto the grid plus, per bisection step, the cheapest test that decides it:
 *  1. two O(cells) bounds on smECE_σ (triangle inequality above, |mean smoothed residual| below);
 *  2. the smoothed residual from a few cosine modes of the mirrored grid, which diagonalise the
 *     reflected convolution (see {@link Spectrum}), with a rigorous truncation bound, at ever
 *     finer error budgets (the mode sums are extended, not recomputed);
 *  3. the value the resample would return at σ (below), kept in case σ is the final one;
 *  4. the dense map "touched grid cell → smoothed residual at every evaluation point".
 * The smoothed density enters only through its total, a dot product with per-cell masses. The
 * returned value comes from the cosine modes when their error bound is below 1e-11, else densely.
 *
 * Its values are fixed to the bit: every speed-up keeps each sum's additions and their order (sums
 * over interleaved independent chains, terms skipped only where they are exactly +0), so a
 * seeded `metrics --bootstrap` prints the same intervals whatever the version
 * (test/metrics/resampledMetrics.test.ts holds them to values recorded before that work).
 * The loops over evaluation points, modes and grid nodes are {@link SmoothSumKernels}: JavaScript
 * by default, or the native addon's, which computes the same bits several times faster
 * (test/backend/nativeSmoothSums.test.ts).
 */

/** Offset relplot adds to the smoothed density (as in smoothEce.ts). */
const DENSITY_EPS = 0.0001;
/**
 * Total size (float64 entries) of the per-σ matrices (dense weights, cosine bases) kept, 256 MiB:
 * past it the cache is emptied and refilled by the σ values still in use.
 */
const CACHE_ENTRIES = 32 * 1024 * 1024;
/**
 * A bound decides a bisection step only when σ clears it by this relative margin, so rounding in
 * the bound can never flip a decision the exact evaluation would make.
 */
const BOUND_MARGIN = 1e-9;
/**
 * Error budgets (relative to σ) tried in turn to decide a bisection step from cosine modes: the
 * mode sums are extended, not recomputed, so a coarse first try costs nothing when it fails.
 */
const DECISION_BUDGETS = [3e-2, 1e-3, 1e-7];
/** Largest error (absolute, on the smECE value) of a spectrally computed final value. */
const VALUE_TOLERANCE = 1e-11;

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
  /** Resample serial number `num`/`den` (and the spectrum below) were computed for. */
  spreadFor: number;
  /** Nonzero entries of `num`: how many, and their indices (first `nonzero` entries). */
  nonzero: number;
  nonzeroCells: Int32Array;
  /** Nonzero entries of `den` likewise (the terms of the density's total that are not +0). */
  weighted: number;
  weightedCells: Int32Array;
  /** cos(πj/L), j < 2L, with L = G − 1: the cosines of the grid's even (mirrored) extension. */
  cosL: Float64Array;
  /**
   * Cell-major ω_u·cos(πmu/L) for every cell c (node u; ω = 1 at the two ends, 2 inside) at
   * cosTab[c·tabCap + m], modes < `tabModes` filled, room for `tabCap`.
   */
  cosTab: Float64Array;
  tabModes: number;
  tabCap: number;
  /** Cosine coefficients Â(m) of the mirrored `num`, modes < `specModes`. */
  spec: Float64Array;
  specModes: number;
  /** Σ_u ω_u·|num_u| (bounds every |Â(m)|) and max_u |num_u|. */
  absWeighted: number;
  maxAbs: number;
}

/**
 * The reflected Gaussian smoothing at σ in the cosine basis of the mirrored grid. Mirroring at
 * nodes 0 and L = G − 1 makes relplot's convolution a circular one of period 2L whose kernel
 * (odd G: offsets −L/2…L/2) is symmetric up to rounding, so cos(πm·/L) are its eigenvectors and
 * conv(a)(i) = Σ_m gain_m·Â(m)·cos(πmi/L) exactly. The gains decay like exp(−(πmσ)²/2), so a
 * few modes give smECE_σ with a rigorous error bound; the bisection uses that bound to decide
 * most steps without the dense evaluation.
 */
interface Spectrum {
  /** (ω_m / 2L)·ĥ(m), m = 0…L, of the symmetrized kernel. */
  gain: Float64Array;
  /** tail[m] = Σ_{m' ≥ m} |gain[m']| (tail[L+1] = 0). */
  tail: Float64Array;
  /** Σ_d |h(d) − h_sym(d)|: how far rounding leaves the kernel from symmetric. */
  asym: number;
  /** Mode-major gain_m·(cos(πm·/L) interpolated at each evaluation point), modes < `phiModes`. */
  phi: Float64Array;
  phiModes: number;
}

/**
 * Everything about one bandwidth σ that depends on neither the points nor the resample: the
 * kernel, the evaluation points and (built on first use) its cosine spectrum. It is shared by every
 * resampler in the process (the exits of one `metrics` run visit the same dyadic σ values), so the
 * O(G·12σG) spectrum of each σ is computed once per process, not once per exit.
 */
interface Bandwidth {
  E: number;
  /** Per evaluation point: lower grid node and the interpolation weight of the upper one. */
  lower: Int32Array;
  w: Float64Array;
  /** Kernel taps, exactly as smoothEce.ts samples them. */
  ker: Float64Array;
  /** rho[i]: total interpolation weight node i gets over all evaluation points. */
  rho: Float64Array;
  /** The kernel's nonzero taps are jLo…jHi. */
  jLo: number;
  jHi: number;
  /** Per grid node u: its column mass (see {@link SigmaOperator}); all NaN until first needed. */
  colMass: Float64Array;
  /**
   * Per grid node u: where its row of dense weights over the evaluation points starts in `rowData`
   * (−1 until first needed), and the band [rowLo, rowHi) outside which the row is exactly 0. One
   * buffer for all rows, so a native kernel can read them (see {@link SmoothSumKernels}).
   */
  rowOffset: Int32Array;
  rowLo: Int32Array;
  rowHi: Int32Array;
  rowData: Float64Array;
  /** Entries of `rowData` in use. */
  rowUsed: number;
  /** Undefined until first needed; null for even G, whose kernel window is lopsided. */
  spectrum: Spectrum | null | undefined;
}

/** What one resampler keeps about σ: the shared {@link Bandwidth} plus what depends on its points. */
interface SigmaOperator {
  E: number;
  bw: Bandwidth;
  /** Per cell: Σ_k of its weights at the evaluation points, i.e. its share of the density's total. */
  colMass: Float64Array;
  /** The current resample's sums at σ (see `valueSumAt`), for resample `valueFor` / `exactFor`. */
  valueFor: number;
  value: number;
  valueErr: number;
  exactFor: number;
  exact: number;
  /** The running cosine-mode sum of resample `partialFor` at every evaluation point, over `partialModes` modes. */
  partial: Float64Array;
  partialFor: number;
  partialModes: number;
}

/**
 * The two inner loops of the resampler, over σ's E evaluation points. Each point k adds its own
 * terms in a fixed order, so an implementation may run across points (SIMD) and still return these
 * loops' bits: the addon's version (src/backend/nativeBlas.ts) does, and the values printed by
 * `metrics --bootstrap` do not depend on which one runs.
 */
export interface SmoothSumKernels {
  /**
   * acc[k] += Σ_{m=from}^{to−1} spec[m]·phi[m·E + k], modes four per pass from `from` then one at a
   * time, for k < E; returns Σ_k |acc[k]| in k order.
   */
  modeSum(acc: Float64Array, spec: Float64Array, phi: Float64Array, E: number, from: number, to: number): number;
  /**
   * sum[k] = Σ_{r<nonzero} num[c]·rowData[rowOffset[u] + k] with c = nonzeroCells[r] and u = cells[c],
   * over rowLo[u] ≤ k < rowHi[u]: cells four per pass over the union of their bands (rows are exactly
   * 0 outside theirs), then one at a time; sum is zeroed first; returns Σ_k |sum[k]| in k order.
   */
  denseSum(
    sum: Float64Array,
    num: Float64Array,
    nonzeroCells: Int32Array,
    nonzero: number,
    cells: Int32Array,
    rowOffset: Int32Array,
    rowLo: Int32Array,
    rowHi: Int32Array,
    rowData: Float64Array,
    E: number,
  ): number;
  /**
   * Per resample and grid: spreads the points with multiplicities `counts` onto the G-node grid's
   * touched cells (cells[c] the node of cell c) as relplot's smooth_round_to_grid does, point by
   * point in order: num[c] += w·((1 − f)·residual), num[c + 1] += w·(f·residual), den[c] += w·(1 − f),
   * den[c + 1] += w·f with c = lowerCell[i], f = frac[i], w = counts[i] (points with w = 0 skipped;
   * num and den zeroed first). Then lists, in cell order, the cells with den ≠ 0 (weightedCells) and
   * with num ≠ 0 (nonzeroCells), and sets out = [nonzero, weighted, Σ ω·|num|, max |num|] with ω = 1
   * at nodes 0 and G − 1, 2 elsewhere, summed in cell order.
   */
  spread(
    counts: Int32Array,
    lowerCell: Int32Array,
    frac: Float64Array,
    residual: Float64Array,
    cells: Int32Array,
    G: number,
    num: Float64Array,
    den: Float64Array,
    nonzeroCells: Int32Array,
    weightedCells: Int32Array,
    out: Float64Array,
  ): void;
  /**
   * Per resample: spec[m] = Σ_{r<nonzero} num[c]·cosTab[c·cap + m] with c = nonzeroCells[r], each
   * mode's sum over r in order from 0, for from ≤ m < to.
   */
  specCoefficients(
    spec: Float64Array,
    num: Float64Array,
    nonzeroCells: Int32Array,
    nonzero: number,
    cosTab: Float64Array,
    cap: number,
    from: number,
    to: number,
  ): void;
  /**
   * Per bandwidth: gain[m] = (ω_m/2L)·(hs[0] + Σ_{d=1}^{reach} h2[d]·cosL[m·d mod 2L]) for m = 0…L
   * (ω = 1 at 0 and L, 2 inside), each mode's sum over d in order.
   */
  cosineGains(
    hs: Float64Array,
    h2: Float64Array,
    cosL: Float64Array,
    reach: number,
    L: number,
    gain: Float64Array,
  ): void;
  /**
   * Per bandwidth: out[u] = Σ_i rho[i]·coef(i, u) for every node u of the G = ker.length grid, tap by
   * tap (directly, mirrored at 0 for u > 0, mirrored at G−1 for u < G−1), each tap's sum over i in
   * order across the nodes where its kernel index lies in the nonzero taps [jLo, jHi].
   */
  columnMasses(ker: Float64Array, rho: Float64Array, jLo: number, jHi: number, out: Float64Array): void;
  /**
   * Per bandwidth, for u = nodes[r], r < count: rowData[rowOffset[u] + k] = coef(lower[k], u)·(1 − w[k]) +
   * coef(lower[k] + 1, u)·w[k] for the E = lower.length evaluation points, coef(i, u) being node
   * u's weight at node i of the reflected convolution (ker[i + half − u], plus ker[i + half + u] for
   * u > 0 and ker[i + half − 2(G−1) + u] for u < G−1, each where that index is inside the grid),
   * and [rowLo[u], rowHi[u]) the row's nonzero band ([0, 0) for a row of zeros).
   */
  weightRows(
    ker: Float64Array,
    lower: Int32Array,
    w: Float64Array,
    nodes: Int32Array,
    count: number,
    rowOffset: Int32Array,
    rowLo: Int32Array,
    rowHi: Int32Array,
    rowData: Float64Array,
  ): void;
}

/** {@link SmoothSumKernels.spread} in JavaScript, for counts of any array type. */
function spreadPoints(
  counts: ArrayLike<number>,
  lowerCell: Int32Array,
  frac: Float64Array,
  residual: Float64Array,
  cells: Int32Array,
  G: number,
  num: Float64Array,
  den: Float64Array,
  nonzeroCells: Int32Array,
  weightedCells: Int32Array,
  out: Float64Array,
): void {
  num.fill(0);
  den.fill(0);
  for (let i = 0; i < counts.length; i++) {
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
  let nonzero = 0;
  let absWeighted = 0;
  let maxAbs = 0;
  let weighted = 0;
  for (let c = 0; c < num.length; c++) {
    if (den[c] !== 0) weightedCells[weighted++] = c;
    const a = Math.abs(num[c]);
    if (a === 0) continue;
    nonzeroCells[nonzero++] = c;
    absWeighted += (cells[c] === 0 || cells[c] === G - 1 ? 1 : 2) * a;
    if (a > maxAbs) maxAbs = a;
  }
  out[0] = nonzero;
  out[1] = weighted;
  out[2] = absWeighted;
  out[3] = maxAbs;
}

/** {@link SmoothSumKernels} in JavaScript. */
export const jsSmoothSums: SmoothSumKernels = {
  spread: spreadPoints,
  specCoefficients(spec, num, nonzeroCells, nonzero, cosTab, cap, from, to) {
    // Four modes per pass: independent sums, each over the cells in order as one mode alone.
    let m = from;
    for (; m + 3 < to; m += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let r = 0; r < nonzero; r++) {
        const c = nonzeroCells[r];
        const a = num[c];
        const b = c * cap + m;
        s0 += a * cosTab[b];
        s1 += a * cosTab[b + 1];
        s2 += a * cosTab[b + 2];
        s3 += a * cosTab[b + 3];
      }
      spec[m] = s0;
      spec[m + 1] = s1;
      spec[m + 2] = s2;
      spec[m + 3] = s3;
    }
    for (; m < to; m++) {
      let s = 0;
      for (let r = 0; r < nonzero; r++) {
        const c = nonzeroCells[r];
        s += num[c] * cosTab[c * cap + m];
      }
      spec[m] = s;
    }
  },
  weightRows(ker, lower, w, nodes, count, rowOffset, rowLo, rowHi, rowData) {
    const G = ker.length;
    const E = lower.length;
    for (let r = 0; r < count; r++) {
      const u = nodes[r];
      const at = rowOffset[u];
      let lo = E;
      let hi = 0;
      for (let k = 0; k < E; k++) {
        const v = coef(ker, G, lower[k], u) * (1 - w[k]) + coef(ker, G, lower[k] + 1, u) * w[k];
        rowData[at + k] = v;
        if (v !== 0) {
          if (k < lo) lo = k;
          hi = k + 1;
        }
      }
      rowLo[u] = lo < hi ? lo : 0;
      rowHi[u] = hi;
    }
  },
  cosineGains(hs, h2, cosL, reach, L, gain) {
    const period = 2 * L;
    const scale = (m: number) => (m === 0 || m === L ? 1 : 2) / (2 * L);
    // Four modes per pass: four independent sums, each over d in order (the same additions as one
    // mode at a time), so the additions' latency overlaps. j = m·d mod 2L, stepped instead of divided.
    let m = 0;
    for (; m + 3 <= L; m += 4) {
      let s0 = hs[0];
      let s1 = hs[0];
      let s2 = hs[0];
      let s3 = hs[0];
      let j0 = 0;
      let j1 = 0;
      let j2 = 0;
      let j3 = 0;
      for (let d = 1; d <= reach; d++) {
        j0 += m;
        if (j0 >= period) j0 -= period;
        j1 += m + 1;
        if (j1 >= period) j1 -= period;
        j2 += m + 2;
        if (j2 >= period) j2 -= period;
        j3 += m + 3;
        if (j3 >= period) j3 -= period;
        const h = h2[d];
        s0 += h * cosL[j0];
        s1 += h * cosL[j1];
        s2 += h * cosL[j2];
        s3 += h * cosL[j3];
      }
      gain[m] = scale(m) * s0;
      gain[m + 1] = scale(m + 1) * s1;
      gain[m + 2] = scale(m + 2) * s2;
      gain[m + 3] = scale(m + 3) * s3;
    }
    for (; m <= L; m++) {
      let s = hs[0];
      let j = 0;
      for (let d = 1; d <= reach; d++) {
        j += m;
        if (j >= period) j -= period;
        s += h2[d] * cosL[j];
      }
      gain[m] = scale(m) * s;
    }
  },
  columnMasses(ker, rho, jLo, jHi, out) {
    const G = ker.length;
    const last = G - 1;
    const half = Math.floor(G / 2);
    // Only nodes with rho ≠ 0 are visited: the terms skipped are exactly +0.
    const rhoNodes = Int32Array.from({ length: G }, (_, i) => i).filter((i) => rho[i] !== 0);
    const tapSum = (offset: number): number => {
      // Σ_i rho[i]·ker[i + offset] over 0 ≤ i ≤ last with jLo ≤ i + offset ≤ jHi.
      const from = Math.max(0, jLo - offset);
      const to = Math.min(last, jHi - offset);
      let lo = 0;
      let hi = rhoNodes.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (rhoNodes[mid] < from) lo = mid + 1;
        else hi = mid;
      }
      let v = 0;
      for (let p = lo; p < rhoNodes.length; p++) {
        const i = rhoNodes[p];
        if (i > to) break;
        v += rho[i] * ker[i + offset];
      }
      return v;
    };
    for (let u = 0; u < G; u++) {
      let v = tapSum(half - u);
      if (u > 0) v += tapSum(half + u);
      if (u < last) v += tapSum(half - 2 * last + u);
      out[u] = v;
    }
  },
  modeSum(acc, spec, phi, E, from, to) {
    let m = from;
    for (; m + 3 < to; m += 4) {
      const a0 = spec[m];
      const a1 = spec[m + 1];
      const a2 = spec[m + 2];
      const a3 = spec[m + 3];
      const b0 = m * E;
      const b1 = b0 + E;
      const b2 = b1 + E;
      const b3 = b2 + E;
      for (let k = 0; k < E; k++)
        acc[k] = acc[k] + a0 * phi[b0 + k] + a1 * phi[b1 + k] + a2 * phi[b2 + k] + a3 * phi[b3 + k];
    }
    for (; m < to; m++) {
      const a = spec[m];
      const base = m * E;
      for (let k = 0; k < E; k++) acc[k] += a * phi[base + k];
    }
    let total = 0;
    for (let k = 0; k < E; k++) total += Math.abs(acc[k]);
    return total;
  },
  denseSum(sum, num, nonzeroCells, nonzero, cells, rowOffset, rowLo, rowHi, rowData, E) {
    sum.fill(0, 0, E);
    let r = 0;
    for (; r + 3 < nonzero; r += 4) {
      const c0 = nonzeroCells[r];
      const c1 = nonzeroCells[r + 1];
      const c2 = nonzeroCells[r + 2];
      const c3 = nonzeroCells[r + 3];
      const u0 = cells[c0];
      const u1 = cells[c1];
      const u2 = cells[c2];
      const u3 = cells[c3];
      const a0 = num[c0];
      const a1 = num[c1];
      const a2 = num[c2];
      const a3 = num[c3];
      const o0 = rowOffset[u0];
      const o1 = rowOffset[u1];
      const o2 = rowOffset[u2];
      const o3 = rowOffset[u3];
      const lo = Math.min(rowLo[u0], rowLo[u1], rowLo[u2], rowLo[u3]);
      const hi = Math.max(rowHi[u0], rowHi[u1], rowHi[u2], rowHi[u3]);
      for (let k = lo; k < hi; k++)
        sum[k] = sum[k] + a0 * rowData[o0 + k] + a1 * rowData[o1 + k] + a2 * rowData[o2 + k] + a3 * rowData[o3 + k];
    }
    for (; r < nonzero; r++) {
      const c = nonzeroCells[r];
      const u = cells[c];
      const a = num[c];
      const o = rowOffset[u];
      const hi = rowHi[u];
      for (let k = rowLo[u]; k < hi; k++) sum[k] += a * rowData[o + k];
    }
    let total = 0;
    for (let k = 0; k < E; k++) total += Math.abs(sum[k]);
    return total;
  },
};

/** cos(πj/L), j < 2L, per L: every bandwidth and layout on a grid of L + 1 nodes shares one table. */
const cosines = new Map<number, Float64Array>();
function cosinesOf(L: number): Float64Array {
  let table = cosines.get(L);
  if (table === undefined) {
    table = Float64Array.from({ length: 2 * L }, (_, j) => Math.cos((Math.PI * j) / L));
    cosines.set(L, table);
  }
  return table;
}

/** Shared bandwidths, and how many float64 entries they hold (bounded like each resampler's cache). */
const bandwidths = new Map<number, Bandwidth>();
let bandwidthEntries = 0;

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
  cells.forEach((g, c) => {
    indexOf[g] = c;
  });
  const lowerCell = Int32Array.from(lower, (b) => indexOf[b]);
  const L = G - 1;
  const cosL = cosinesOf(L);
  return {
    G,
    lowerCell,
    frac,
    cells,
    num: new Float64Array(cells.length),
    den: new Float64Array(cells.length),
    spreadFor: -1,
    nonzero: 0,
    nonzeroCells: new Int32Array(cells.length),
    weighted: 0,
    weightedCells: new Int32Array(cells.length),
    cosL,
    cosTab: new Float64Array(0),
    tabModes: 0,
    tabCap: 0,
    spec: new Float64Array(G),
    specModes: 0,
    absWeighted: 0,
    maxAbs: 0,
  };
}

/**
 * Forgets the per-bandwidth tables every resampler shares, as if no resampler had run yet (a
 * benchmark's cold start; values never depend on them being there).
 */
export function clearSharedBandwidths(): void {
  bandwidths.clear();
  cosines.clear();
  bandwidthEntries = 0;
}

/**
 * σ's kernel and evaluation points, exactly as smoothEce.ts builds them (kernel sampled at
 * t_j − ½ on the grid's linspace, cut beyond 12σ; linear interpolation at the evaluation points).
 */
function bandwidthOf(sigma: number, cacheEntries: number): Bandwidth {
  let bw = bandwidths.get(sigma);
  if (bw !== undefined) return bw;
  const G = gridPointsOf(sigma);
  const last = G - 1;
  const tg = linspace01(G);
  const norm = Math.sqrt(2 * Math.PI) * sigma;
  const ker = new Float64Array(G);
  for (let j = 0; j < G; j++) {
    const d = tg[j] - 0.5;
    if (Math.abs(d) > 12 * sigma) continue;
    ker[j] = Math.exp(-(d * d) / (2 * (sigma * sigma))) / norm;
  }
  const E = Math.max(Math.round(10 / sigma), 200);
  const t = linspace01(E);
  const bucket = 1 / last;
  const lower = new Int32Array(E);
  const w = new Float64Array(E);
  const rho = new Float64Array(G);
  for (let k = 0; k < E; k++) {
    let b = Math.trunc(t[k] * last);
    if (b > G - 2) b = G - 2;
    if (b < 0) b = 0;
    lower[k] = b;
    w[k] = (t[k] - b * bucket) / bucket;
    rho[b] += 1 - w[k];
    rho[b + 1] += w[k];
  }
  let jLo = 0;
  while (jLo < G && ker[jLo] === 0) jLo++;
  let jHi = G - 1;
  while (jHi > jLo && ker[jHi] === 0) jHi--;
  if (bandwidthEntries > cacheEntries) {
    bandwidths.clear();
    bandwidthEntries = 0;
  }
  bw = {
    E,
    lower,
    w,
    ker,
    rho,
    jLo,
    jHi,
    colMass: new Float64Array(G).fill(NaN),
    rowOffset: new Int32Array(G).fill(-1),
    rowLo: new Int32Array(G),
    rowHi: new Int32Array(G),
    rowData: new Float64Array(0),
    rowUsed: 0,
    spectrum: undefined,
  };
  bandwidths.set(sigma, bw);
  bandwidthEntries += 4 * G + 2 * E;
  return bw;
}

/** σ's cosine spectrum, built on first use and kept with the shared bandwidth. */
function spectrumFor(bw: Bandwidth, sums: SmoothSumKernels): Spectrum | null {
  if (bw.spectrum === undefined) {
    const G = bw.ker.length;
    bw.spectrum = G % 2 === 1 ? spectrumOf(bw.ker, G, sums) : null;
    if (bw.spectrum !== null) bandwidthEntries += 2 * bw.spectrum.gain.length;
  }
  return bw.spectrum;
}

/**
 * The points-dependent part of σ's operator: each touched cell's share of the density's total,
 * through the mirroring at nodes 0 and G−1.
 */
function operatorOf(layout: GridLayout, bw: Bandwidth, sums: SmoothSumKernels): SigmaOperator {
  const { cells } = layout;
  if (Number.isNaN(bw.colMass[0])) sums.columnMasses(bw.ker, bw.rho, bw.jLo, bw.jHi, bw.colMass);
  const colMass = new Float64Array(cells.length);
  for (let c = 0; c < cells.length; c++) colMass[c] = bw.colMass[cells[c]];
  return {
    E: bw.E,
    bw,
    colMass,
    valueFor: -1,
    value: 0,
    valueErr: 0,
    exactFor: -1,
    exact: 0,
    partial: new Float64Array(bw.E),
    partialFor: -1,
    partialModes: 0,
  };
}

/**
 * Weight of grid cell u at node i of the reflected convolution. Cell u reaches node i through at
 * most three kernel taps: directly (tap i + half − u), mirrored at 0 (tap i + half + u, for u > 0)
 * and mirrored at G−1 (tap i + half − 2(G−1) + u, for u < G−1).
 */
function coef(ker: Float64Array, G: number, i: number, u: number): number {
  const half = Math.floor(G / 2);
  const last = G - 1;
  let v = 0;
  let j = i + half - u;
  if (j >= 0 && j < G) v += ker[j];
  if (u > 0) {
    j = i + half + u;
    if (j < G) v += ker[j];
  }
  if (u < last) {
    j = i + half - 2 * last + u;
    if (j >= 0) v += ker[j];
  }
  return v;
}

/**
 * Builds the dense weight rows of the cells' nodes that have none yet at σ (see `weightRows`),
 * growing the shared row buffer once for all of them.
 */
function ensureWeightRows(
  bw: Bandwidth,
  cells: Int32Array,
  nonzeroCells: Int32Array,
  nonzero: number,
  sums: SmoothSumKernels,
): void {
  const { E, rowOffset } = bw;
  if (pendingRows.length < nonzero) pendingRows = new Int32Array(Math.max(nonzero, 2 * pendingRows.length));
  let missing = 0;
  for (let r = 0; r < nonzero; r++) {
    const u = cells[nonzeroCells[r]];
    if (rowOffset[u] >= 0) continue;
    rowOffset[u] = bw.rowUsed + missing * E;
    pendingRows[missing++] = u;
  }
  if (missing === 0) return;
  const need = bw.rowUsed + missing * E;
  if (bw.rowData.length < need) {
    // Room for twice the rows: a run builds rows for a few hundred nodes per bandwidth.
    const grown = new Float64Array(Math.max(2 * bw.rowData.length, need + 32 * E));
    grown.set(bw.rowData.subarray(0, bw.rowUsed));
    bandwidthEntries += grown.length - bw.rowData.length;
    bw.rowData = grown;
  }
  bw.rowUsed = need;
  sums.weightRows(bw.ker, bw.lower, bw.w, pendingRows, missing, rowOffset, bw.rowLo, bw.rowHi, bw.rowData);
}

/** Nodes whose rows `ensureWeightRows` is building (scratch, reused). */
let pendingRows = new Int32Array(0);

function spectrumOf(ker: Float64Array, G: number, sums: SmoothSumKernels): Spectrum {
  const L = G - 1;
  const half = L / 2;
  const cosL = cosinesOf(L);
  const hs = new Float64Array(half + 1);
  let asym = 0;
  let reach = 0;
  for (let d = 0; d <= half; d++) {
    const a = ker[half + d];
    const b = ker[half - d];
    hs[d] = (a + b) / 2;
    asym += d === 0 ? 0 : Math.abs(a - hs[d]) + Math.abs(b - hs[d]);
    if (hs[d] !== 0) reach = d;
  }
  const gain = new Float64Array(L + 1);
  // 2·hs[d] exactly (a doubling), so each term is the same product as 2 * hs[d] * cosL[j].
  const h2 = Float64Array.from(hs, (v) => 2 * v);
  sums.cosineGains(hs, h2, cosL, reach, L, gain);
  const tail = new Float64Array(L + 2);
  for (let m = L; m >= 0; m--) tail[m] = tail[m + 1] + Math.abs(gain[m]);
  return { gain, tail, asym, phi: new Float64Array(0), phiModes: 0 };
}

/**
 * Prepares smooth ECE for reweightings of (confidence, correct): the returned function takes the
 * multiplicity of every point (a bootstrap resample's counts; all ones gives the plain smECE) and
 * returns what {@link smoothEce} returns on the gathered points.
 * @param eps - bandwidths below this are accepted without evaluation (default 0.001), as in smoothEce.
 * @param cacheEntries - float64 entries of per-σ matrices kept before the cache is emptied (default 256 MiB's worth).
 * @param sums - the two inner loops (default {@link jsSmoothSums}; a native version gives the same bits).
 */
export function resampledSmoothEce(
  confidence: FloatArray,
  correct: ArrayLike<number>,
  opts: { eps?: number; cacheEntries?: number; sums?: SmoothSumKernels } = {},
): (count: ArrayLike<number>) => SmoothEceResult {
  checkTopLabel(confidence, correct, 'resampledSmoothEce');
  const eps = opts.eps ?? 0.001;
  const sums = opts.sums ?? jsSmoothSums;
  const cacheEntries = opts.cacheEntries ?? CACHE_ENTRIES;
  const N = confidence.length;
  const residual = Float64Array.from({ length: N }, (_, i) => confidence[i] - correct[i]);
  const layouts = new Map<number, GridLayout>();
  const operators = new Map<number, SigmaOperator>();
  let cached = 0;
  let serial = 0;
  let counts: ArrayLike<number> = new Float64Array(N);
  let sum = new Float64Array(0);
  /** What `spread` reports: nonzero, weighted, absWeighted, maxAbs. */
  const spreadOut = new Float64Array(4);

  const spread = (G: number): GridLayout => {
    let layout = layouts.get(G);
    if (layout === undefined) {
      layout = layoutOf(confidence, G);
      layouts.set(G, layout);
    }
    if (layout.spreadFor !== serial) {
      const { num, den, lowerCell, frac, cells } = layout;
      // The kernels take the Int32Array counts the bootstrap passes; other arrays spread in JavaScript.
      (counts instanceof Int32Array ? sums.spread : spreadPoints)(
        counts as Int32Array,
        lowerCell,
        frac,
        residual,
        cells,
        G,
        num,
        den,
        layout.nonzeroCells,
        layout.weightedCells,
        spreadOut,
      );
      layout.nonzero = spreadOut[0];
      layout.weighted = spreadOut[1];
      layout.absWeighted = spreadOut[2];
      layout.maxAbs = spreadOut[3];
      layout.specModes = 0;
      layout.spreadFor = serial;
    }
    return layout;
  };

  const operator = (layout: GridLayout, sigma: number): SigmaOperator => {
    let op = operators.get(sigma);
    if (op === undefined) {
      if (cached > cacheEntries) {
        operators.clear();
        cached = 0;
      }
      op = operatorOf(layout, bandwidthOf(sigma, cacheEntries), sums);
      cached += 2 * op.colMass.length + op.E;
      operators.set(sigma, op);
    }
    return op;
  };

  /**
   * The smoothed density's total at σ for the current resample (the cells with den = 0 add +0
   * and are skipped); σ's grid and operator are left in `layoutNow` and `opNow`.
   */
  let layoutNow: GridLayout | undefined;
  let opNow: SigmaOperator | undefined;
  const evaluate = (sigma: number): number => {
    const layout = spread(gridPointsOf(sigma));
    const op = operator(layout, sigma);
    const { den, weighted, weightedCells } = layout;
    const { colMass } = op;
    let mass = op.E * DENSITY_EPS;
    for (let r = 0; r < weighted; r++) {
      const c = weightedCells[r];
      mass += den[c] * colMass[c];
    }
    layoutNow = layout;
    opNow = op;
    return mass;
  };

  /**
   * Σ_k |smoothed residual at t_k|, by the dense weights. Each t_k sums its cells in the order of
   * `nonzeroCells` (four cells per pass, the same additions in the same order), skipping only
   * weights that are exactly 0, so the result is the same to the bit as the plain cell-by-cell sum.
   */
  const exactSum = (layout: GridLayout, op: SigmaOperator): number => {
    const { num, nonzero, nonzeroCells, cells } = layout;
    const { bw, E } = op;
    ensureWeightRows(bw, cells, nonzeroCells, nonzero, sums);
    if (sum.length < E) sum = new Float64Array(E);
    return sums.denseSum(sum, num, nonzeroCells, nonzero, cells, bw.rowOffset, bw.rowLo, bw.rowHi, bw.rowData, E);
  };

  /**
   * Fewest cosine modes whose truncation error on Σ_k |smoothed residual| is at most `budget`
   * (null when even all modes cannot: the kernel's rounding asymmetry alone exceeds it).
   */
  const modesFor = (layout: GridLayout, spectrum: Spectrum, E: number, budget: number): number | null => {
    const floor = E * layout.maxAbs * spectrum.asym;
    if (floor > budget) return null;
    const { tail } = spectrum;
    let lo = 0;
    let hi = tail.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (E * layout.absWeighted * tail[mid] + floor <= budget) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  /** Makes the cosine tables, the resample's coefficients Â(m) and σ's mode values cover K modes. */
  const prepareModes = (layout: GridLayout, op: SigmaOperator, spectrum: Spectrum, K: number): void => {
    const { cells, cosL, G } = layout;
    const L = G - 1;
    const nc = cells.length;
    if (layout.tabModes < K) {
      if (layout.tabCap < K) {
        // Room for at least twice the modes, so a slowly growing K does not copy the table each time.
        const cap = Math.min(Math.max(K, 2 * layout.tabCap), G);
        const tab = new Float64Array(cap * nc);
        for (let c = 0; c < nc; c++)
          tab.set(layout.cosTab.subarray(c * layout.tabCap, c * layout.tabCap + layout.tabModes), c * cap);
        cached += tab.length - layout.cosTab.length;
        layout.cosTab = tab;
        layout.tabCap = cap;
      }
      const { cosTab: tab, tabCap: cap } = layout;
      for (let c = 0; c < nc; c++) {
        const u = cells[c];
        const omega = u === 0 || u === L ? 1 : 2;
        for (let m = layout.tabModes; m < K; m++) tab[c * cap + m] = omega * cosL[(m * u) % (2 * L)];
      }
      layout.tabModes = K;
    }
    const { num, spec, cosTab, tabCap, nonzero, nonzeroCells } = layout;
    if (layout.specModes < K)
      sums.specCoefficients(spec, num, nonzeroCells, nonzero, cosTab, tabCap, layout.specModes, K);
    if (layout.specModes < K) layout.specModes = K;
    const E = op.E;
    if (spectrum.phiModes < K) {
      let phi = spectrum.phi;
      if (phi.length < K * E) {
        phi = new Float64Array(Math.min(Math.max(K, 2 * spectrum.phiModes), G) * E);
        phi.set(spectrum.phi.subarray(0, spectrum.phiModes * E));
      }
      const { lower, w } = op.bw;
      for (let m = spectrum.phiModes; m < K; m++) {
        const g = spectrum.gain[m];
        for (let k = 0; k < E; k++) {
          const b = lower[k];
          phi[m * E + k] = g * ((1 - w[k]) * cosL[(m * b) % (2 * L)] + w[k] * cosL[(m * (b + 1)) % (2 * L)]);
        }
      }
      bandwidthEntries += phi.length - spectrum.phi.length;
      spectrum.phi = phi;
      spectrum.phiModes = K;
    }
  };

  /**
   * Σ_k |smoothed residual at t_k| from the first K' ≥ K cosine modes; its error bound is left in
   * `spectralErr`. The per-point sums of a resample are kept per σ and extended mode by mode, so
   * a finer error budget only pays for the modes it adds; `exactly` asks for K' = K (the returned
   * value's modes), summed from mode 0 in order as a fresh sum would be.
   */
  let spectralErr = 0;
  const spectralSum = (
    layout: GridLayout,
    op: SigmaOperator,
    spectrum: Spectrum,
    K: number,
    exactly: boolean,
  ): number => {
    const E = op.E;
    if (op.partialFor !== serial) {
      op.partial.fill(0);
      op.partialFor = serial;
      op.partialModes = 0;
    }
    let total: number;
    if (op.partialModes <= K) {
      prepareModes(layout, op, spectrum, K);
      total = sums.modeSum(op.partial, layout.spec, spectrum.phi, E, op.partialModes, K);
      op.partialModes = K;
    } else if (exactly) {
      if (sum.length < E) sum = new Float64Array(E);
      sum.fill(0, 0, E);
      total = sums.modeSum(sum, layout.spec, spectrum.phi, E, 0, K);
    } else {
      K = op.partialModes;
      total = sums.modeSum(op.partial, layout.spec, spectrum.phi, E, K, K);
    }
    spectralErr = E * (layout.absWeighted * spectrum.tail[K] + layout.maxAbs * spectrum.asym);
    return total;
  };

  /** This resample's dense Σ_k |smoothed residual| at σ, computed at most once per resample. */
  const exactAt = (layout: GridLayout, op: SigmaOperator): number => {
    if (op.exactFor !== serial) {
      op.exact = exactSum(layout, op);
      op.exactFor = serial;
    }
    return op.exact;
  };

  /**
   * This resample's Σ_k |smoothed residual| at σ as the returned value computes it: from cosine
   * modes when that is accurate to VALUE_TOLERANCE and cheaper (`op.valueErr` its error bound),
   * else densely (`op.valueErr` 0). Computed at most once per resample: the final σ is always one
   * the bisection visited, so a close decision there has already paid for the value.
   */
  const valueSumAt = (layout: GridLayout, op: SigmaOperator, mass: number): number => {
    if (op.valueFor !== serial) {
      const spectrum = spectrumFor(op.bw, sums);
      const K = spectrum === null ? null : modesFor(layout, spectrum, op.E, VALUE_TOLERANCE * mass);
      if (spectrum !== null && K !== null && K < layout.nonzero) {
        op.value = spectralSum(layout, op, spectrum, K, true);
        op.valueErr = spectralErr;
      } else {
        op.value = exactAt(layout, op);
        op.valueErr = 0;
      }
      op.valueFor = serial;
    }
    return op.value;
  };

  /** smECE_σ of the current resample. */
  const smoothEceAt = (sigma: number): number => {
    const mass = evaluate(sigma);
    return valueSumAt(layoutNow as GridLayout, opNow as SigmaOperator, mass) / mass;
  };

  /**
   * σ < smECE_σ, deciding from bounds when they leave no doubt: first two O(cells) bounds
   * (triangle inequality above, |mean smoothed residual| below), then the cosine-mode sum with
   * its truncation bound at ever finer error budgets, then the final-value sum (exact, or within
   * VALUE_TOLERANCE), and only then the dense sum.
   */
  const belowFixedPoint = (sigma: number): boolean => {
    if (sigma < eps) return true;
    const mass = evaluate(sigma);
    const layout = layoutNow as GridLayout;
    const op = opNow as SigmaOperator;
    const { num, nonzero, nonzeroCells } = layout;
    const { colMass } = op;
    let signed = 0;
    let absolute = 0;
    for (let r = 0; r < nonzero; r++) {
      const c = nonzeroCells[r];
      const v = num[c] * colMass[c];
      signed += v;
      absolute += Math.abs(v);
    }
    if (sigma >= (absolute / mass) * (1 + BOUND_MARGIN)) return false;
    if (sigma < (Math.abs(signed) / mass) * (1 - BOUND_MARGIN)) return true;
    const spectrum = spectrumFor(op.bw, sums);
    if (spectrum !== null) {
      for (let b = 0; b < DECISION_BUDGETS.length; b++) {
        const K = modesFor(layout, spectrum, op.E, DECISION_BUDGETS[b] * sigma * mass);
        if (K === null || K >= layout.nonzero) break;
        const total = spectralSum(layout, op, spectrum, K, false);
        if (sigma < ((total - spectralErr) / mass) * (1 - BOUND_MARGIN)) return true;
        if (sigma >= ((total + spectralErr) / mass) * (1 + BOUND_MARGIN)) return false;
      }
    }
    const value = valueSumAt(layout, op, mass);
    const err = op.valueErr;
    if (err === 0) return sigma < value / mass;
    if (sigma < ((value - err) / mass) * (1 - BOUND_MARGIN)) return true;
    if (sigma >= ((value + err) / mass) * (1 + BOUND_MARGIN)) return false;
    return sigma < exactAt(layout, op) / mass;
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
