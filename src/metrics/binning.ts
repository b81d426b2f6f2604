import type { FloatArray } from '../records/types';
import type { BinStat, BinningOptions } from './types';
import { checkBins, checkTopLabel } from './checks';
import { ConfigError } from '../errors';

/**
 * The one binning routine behind ECE, RMSCE, MCE, classwise/adaptive ECE, the Brier
 * decomposition and the reliability table, so a reported ECE and the drawn bars cannot disagree.
 *
 * Membership: bin b holds lo_b < c ≤ hi_b (Guo et al. 2017; docs/paper-notes.md#ece); the first bin also
 * holds c = 0 exactly (otherwise such a sample would fall in no bin, the torchmetrics #1646 trap),
 * and c = 1 falls in the last bin (no hidden extra bin, torchmetrics #3510).
 */

/** Sums per bin; `count[b]` samples, Σ confidence and Σ correct over them. */
export interface BinTotals {
  edges: Float64Array;
  count: Float64Array;
  sumConfidence: Float64Array;
  sumCorrect: Float64Array;
}

/** Equal-width edges 0, 1/M, …, 1 (each b/M correctly rounded). */
export function equalWidthEdges(bins: number): Float64Array {
  checkBins(bins, 'equalWidthEdges');
  const e = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) e[b] = b / bins;
  return e;
}

/**
 * Equal-mass edges (Kumar et al. 2019, `get_equal_bins`): sort the confidences, split them into
 * M nearly equal consecutive groups (the first n mod M groups one larger, like `np.array_split`),
 * put an edge halfway between neighbouring groups, end at 1 and merge coinciding edges.
 * With fewer samples than bins, M = n.
 */
export function equalMassEdges(confidence: FloatArray, bins: number): Float64Array {
  checkBins(bins, 'equalMassEdges');
  return equalMassEdgesOfSorted(Float64Array.from(confidence).sort(), bins);
}

/** {@link equalMassEdges} of values already sorted ascending (bins checked by the caller). */
export function equalMassEdgesOfSorted(sorted: Float64Array, bins: number): Float64Array {
  return equalMassEdgesAt(sorted.length, bins, (p) => sorted[p]);
}

/**
 * {@link equalMassEdges} of n ascending values read through `at(p)` (the p-th smallest), so a
 * caller holding them implicitly (a bootstrap resample as counts over a sorted order) reads only
 * the 2(M − 1) it needs.
 */
export function equalMassEdgesAt(n: number, bins: number, at: (p: number) => number): Float64Array {
  const M = Math.min(bins, n);
  const small = Math.floor(n / M);
  const extra = n % M;
  const bounds: number[] = [];
  let start = 0;
  for (let g = 0; g < M - 1; g++) {
    const size = small + (g < extra ? 1 : 0);
    const end = start + size;
    bounds.push((at(end - 1) + at(end)) / 2);
    start = end;
  }
  bounds.push(1);
  const unique = [...new Set(bounds)].sort((a, b) => a - b);
  return Float64Array.from([0, ...unique]);
}

/** Edges for a binning option set (default: 15 equal-width bins). */
export function binEdges(confidence: FloatArray, opts: BinningOptions = {}): Float64Array {
  const bins = opts.bins ?? 15;
  const scheme = opts.scheme ?? 'equal-width';
  if (scheme === 'equal-width') return equalWidthEdges(bins);
  if (scheme === 'equal-mass') return equalMassEdges(confidence, bins);
  throw new ConfigError(`bin scheme "${String(scheme)}": expected equal-width or equal-mass`);
}

/** Index of the bin holding c: the smallest b with c ≤ edges[b+1] (binary search). */
export function binIndex(edges: Float64Array, c: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c <= edges[mid + 1]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Accumulate counts and sums per bin in one pass. Equal-width edges take an O(1) index
 * (⌈c·M⌉ − 1, corrected against the stored edges so rounding never moves a sample across an
 * edge); other edges use a binary search. Inputs are assumed checked.
 */
export function binTotals(confidence: FloatArray, correct: ArrayLike<number>, edges: Float64Array): BinTotals {
  const M = edges.length - 1;
  const count = new Float64Array(M);
  const sumConfidence = new Float64Array(M);
  const sumCorrect = new Float64Array(M);
  let uniform = true;
  for (let b = 0; b <= M && uniform; b++) uniform = edges[b] === b / M;
  const n = confidence.length;
  for (let i = 0; i < n; i++) {
    const c = confidence[i];
    let b: number;
    if (uniform) {
      b = Math.ceil(c * M) - 1;
      if (b < 0) b = 0;
      else if (b > M - 1) b = M - 1;
      while (b > 0 && c <= edges[b]) b--;
      while (b < M - 1 && c > edges[b + 1]) b++;
    } else {
      b = binIndex(edges, c);
    }
    count[b] += 1;
    sumConfidence[b] += c;
    sumCorrect[b] += correct[i];
  }
  return { edges, count, sumConfidence, sumCorrect };
}

/** The reliability table of binned totals (empty bins: zeros, see `BinStat`). */
export function totalsToBinStats(t: BinTotals): BinStat[] {
  const out: BinStat[] = [];
  for (let b = 0; b < t.count.length; b++) {
    const n = t.count[b];
    const meanConfidence = n > 0 ? t.sumConfidence[b] / n : 0;
    const accuracy = n > 0 ? t.sumCorrect[b] / n : 0;
    out.push({
      lo: t.edges[b],
      hi: t.edges[b + 1],
      count: n,
      meanConfidence,
      accuracy,
      gap: meanConfidence - accuracy,
    });
  }
  return out;
}

/**
 * Per-bin table behind a reliability diagram: count, mean confidence, accuracy and gap per bin.
 * @param confidence - top-label confidences in [0, 1].
 * @param correct - 1 when the prediction is right, else 0.
 * @param opts - bins (default 15) and scheme (default equal-width).
 */
export function binStats(confidence: FloatArray, correct: ArrayLike<number>, opts: BinningOptions = {}): BinStat[] {
  checkTopLabel(confidence, correct, 'binStats');
  return totalsToBinStats(binTotals(confidence, correct, binEdges(confidence, opts)));
}
