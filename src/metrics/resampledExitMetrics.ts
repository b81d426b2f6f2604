import { ShapeMismatchError } from '../errors';
import type { FloatArray } from '../records/types';
import type { ExitMetricValues } from './exitMetrics';
import { topLabelOf } from './topLabel';
import { equalMassEdgesOfSorted, equalWidthEdges, type BinTotals } from './binning';
import { normOfGaps } from './calibrationError';
import { debiasedSquare } from './debiasedCalibrationError';
import { resampledSmoothEce } from './resampledSmoothEce';
import { checkBins, checkProbabilities } from './checks';

/**
 * Every {@link ExitMetricValues} metric of bootstrap resamples of one exit, without rebuilding
 * the resample. A resample is a multiset of the samples, so each metric is computed from the
 * count of each sample in it: per-sample terms (NLL, Brier, confidence, correctness, equal-width
 * bin of every probability) and the sort orders (top-label confidence, each class's probability)
 * are computed once; a resample then costs O(N·C) sums and, for the equal-mass metrics, one walk
 * of the presorted orders instead of C + 1 sorts. Smooth ECE likewise takes the counts
 * ({@link resampledSmoothEce}: its per-bandwidth smoothing operators are built once and shared by
 * all resamples).
 * The values equal `exitMetrics` of the gathered resample up to the order of floating-point
 * summation (≈1e-15 relative).
 */
export function resampledExitMetrics(
  probs: FloatArray, labels: Int32Array, numClasses: number, bins = 15,
): (indices: Int32Array) => ExitMetricValues {
  checkProbabilities(probs, labels, numClasses, 'resampledExitMetrics');
  checkBins(bins, 'resampledExitMetrics');
  const C = numClasses;
  const n = labels.length;
  const tl = topLabelOf(probs, labels, C);
  const nllTerm = new Float64Array(n);
  const brierTerm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    nllTerm[i] = -Math.log(Math.max(probs[i * C + labels[i]], Number.MIN_VALUE));
    let s = 0;
    for (let k = 0; k < C; k++) {
      const d = probs[i * C + k] - (labels[i] === k ? 1 : 0);
      s += d * d;
    }
    brierTerm[i] = s;
  }
  const widthEdges = equalWidthEdges(bins);
  const topBin = Int32Array.from(tl.confidence, (c) => widthBin(c, widthEdges));
  const topOrder = sortedOrder(tl.confidence);
  // Class k's column p[:, k], its outcome (label === k), equal-width bin and sort order.
  const columns = Array.from({ length: C }, (_, k) => Float64Array.from({ length: n }, (_, i) => probs[i * C + k]));
  const classBin = columns.map((col) => Int32Array.from(col, (p) => widthBin(p, widthEdges)));
  const classOrder = columns.map(sortedOrder);

  const smooth = resampledSmoothEce(tl.confidence, tl.correct);
  const count = new Int32Array(n);
  const sorted = new Float64Array(n);
  const totals = (M: number): BinTotals => ({ edges: widthEdges, count: new Float64Array(M), sumConfidence: new Float64Array(M), sumCorrect: new Float64Array(M) });
  const reset = (t: BinTotals) => { t.count.fill(0); t.sumConfidence.fill(0); t.sumCorrect.fill(0); };
  const width = totals(bins);

  /**
   * Totals of `values` over equal-mass bins of the resample, by walking `order`; the outcome is
   * the top-label correctness (k < 0) or label === k.
   */
  const equalMassTotals = (values: Float64Array, k: number, order: Int32Array): BinTotals => {
    let m = 0;
    for (let j = 0; j < n; j++) {
      const i = order[j];
      const v = values[i];
      for (let r = count[i]; r > 0; r--) sorted[m++] = v;
    }
    const edges = equalMassEdgesOfSorted(sorted, bins);
    const M = edges.length - 1;
    const t: BinTotals = { edges, count: new Float64Array(M), sumConfidence: new Float64Array(M), sumCorrect: new Float64Array(M) };
    // Values ascend along the order, so the bin (smallest b with v ≤ edges[b+1]) only moves up.
    let b = 0;
    for (let j = 0; j < n; j++) {
      const i = order[j];
      const w = count[i];
      if (w === 0) continue;
      const v = values[i];
      while (b < M - 1 && v > edges[b + 1]) b++;
      t.count[b] += w;
      t.sumConfidence[b] += w * v;
      if (k < 0 ? tl.correct[i] === 1 : labels[i] === k) t.sumCorrect[b] += w;
    }
    return t;
  };

  return (indices) => {
    if (indices.length !== n) throw new ShapeMismatchError(`resampledExitMetrics: ${indices.length} indices, expected ${n}`);
    count.fill(0);
    for (let r = 0; r < n; r++) count[indices[r]]++;
    let hits = 0;
    let nll = 0;
    let brier = 0;
    reset(width);
    for (let i = 0; i < n; i++) {
      const w = count[i];
      if (w === 0) continue;
      hits += w * tl.correct[i];
      nll += w * nllTerm[i];
      brier += w * brierTerm[i];
      const b = topBin[i];
      width.count[b] += w;
      width.sumConfidence[b] += w * tl.confidence[i];
      width.sumCorrect[b] += w * tl.correct[i];
    }
    const mass = equalMassTotals(tl.confidence, -1, topOrder);
    let classwise = 0;
    let adaptive = 0;
    const cw = totals(bins);
    for (let k = 0; k < C; k++) {
      const col = columns[k];
      const bk = classBin[k];
      reset(cw);
      for (let i = 0; i < n; i++) {
        const w = count[i];
        if (w === 0) continue;
        const b = bk[i];
        cw.count[b] += w;
        cw.sumConfidence[b] += w * col[i];
        if (labels[i] === k) cw.sumCorrect[b] += w;
      }
      classwise += normOfGaps(cw, 'l1');
      adaptive += normOfGaps(equalMassTotals(col, k, classOrder[k]), 'l1');
    }
    return {
      accuracy: hits / n,
      nll: nll / n,
      brier: brier / n,
      ece: normOfGaps(width, 'l1'),
      eceEqualMass: normOfGaps(mass, 'l1'),
      rmsce: normOfGaps(width, 'l2'),
      mce: normOfGaps(width, 'max'),
      adaptiveEce: adaptive / C,
      classwiseEce: classwise / C,
      debiasedL2Ce: Math.sqrt(Math.max(debiasedSquare(mass), 0)),
      smoothEce: smooth(count).value,
    };
  };
}

/** The equal-width bin of c, exactly as `binTotals` assigns it (lo < c ≤ hi; 0 in the first bin). */
function widthBin(c: number, edges: Float64Array): number {
  const M = edges.length - 1;
  let b = Math.ceil(c * M) - 1;
  if (b < 0) b = 0;
  else if (b > M - 1) b = M - 1;
  while (b > 0 && c <= edges[b]) b--;
  while (b < M - 1 && c > edges[b + 1]) b++;
  return b;
}

/** Indices 0…n−1 ordered by ascending value. */
function sortedOrder(values: Float64Array): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i);
  return order.sort((a, b) => values[a] - values[b]);
}
