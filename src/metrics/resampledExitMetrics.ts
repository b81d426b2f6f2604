import { ShapeMismatchError } from '../errors';
import type { FloatArray } from '../records/types';
import type { ExitMetricValues } from './exitMetrics';
import { topLabelOf } from './topLabel';
import { equalWidthEdges, type BinTotals } from './binning';
import { normOfGaps } from './calibrationError';
import { debiasedSquare } from './debiasedCalibrationError';
import { resampledSmoothEce, type SmoothSumKernels } from './resampledSmoothEce';
import { checkBins, checkProbabilities } from './checks';

/**
 * Every {@link ExitMetricValues} metric of bootstrap resamples of one exit, without rebuilding
 * the resample. A resample is a multiset of the samples, so each metric is computed from the
 * count of each sample in it: per-sample terms (NLL, Brier, confidence, correctness, equal-width
 * bin of every probability) and the sort orders (top-label confidence, each class's probability)
 * are computed once; a resample then costs O(N·C) sums and, for the equal-mass metrics, one
 * sequential walk of each presorted order instead of C + 1 sorts. Smooth ECE likewise takes the
 * counts ({@link resampledSmoothEce}: its per-bandwidth smoothing operators are built once and
 * shared by all resamples).
 * The values equal `exitMetrics` of the gathered resample up to the order of floating-point
 * summation (≈1e-15 relative), and are fixed to the bit across versions of this code
 * (test/metrics/resampledMetrics.test.ts), so seeded bootstrap intervals do not move.
 */
export function resampledExitMetrics(
  probs: FloatArray,
  labels: Int32Array,
  numClasses: number,
  bins = 15,
  smoothSums?: SmoothSumKernels,
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
  const topBin = new Int32Array(n);
  for (let i = 0; i < n; i++) topBin[i] = widthBin(tl.confidence[i], widthEdges);
  // A Float64Array copy, so the hot loops see one array type whatever the caller passed.
  const probValues = Float64Array.from(probs);
  // Class k's column p[:, k]; classCell[i·C + k] (row-major like probs) is where p[i, k] adds in
  // the classwise totals: k·bins + its equal-width bin.
  const columns = Array.from({ length: C }, () => new Float64Array(n));
  const classCell = new Int32Array(n * C);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < C; k++) {
      const p = probValues[i * C + k];
      columns[k][i] = p;
      classCell[i * C + k] = k * bins + widthBin(p, widthEdges);
    }
  }
  const classTotals = {
    count: new Float64Array(C * bins),
    sumConfidence: new Float64Array(C * bins),
    sumCorrect: new Float64Array(C * bins),
  };
  const classSlices: BinTotals[] = Array.from({ length: C }, (_, k) => ({
    edges: widthEdges,
    count: classTotals.count.subarray(k * bins, (k + 1) * bins),
    sumConfidence: classTotals.sumConfidence.subarray(k * bins, (k + 1) * bins),
    sumCorrect: classTotals.sumCorrect.subarray(k * bins, (k + 1) * bins),
  }));

  const smooth = resampledSmoothEce(tl.confidence, tl.correct, { sums: smoothSums });
  const count = new Int32Array(n);
  /** The samples present in the current resample, ascending (so sums keep sample order). */
  const present = new Int32Array(n);
  const width: BinTotals = {
    edges: widthEdges,
    count: new Float64Array(bins),
    sumConfidence: new Float64Array(bins),
    sumCorrect: new Float64Array(bins),
  };
  const sampleTerms: SampleTerms = {
    nllTerm,
    brierTerm,
    topBin,
    topConfidence: Float64Array.from(tl.confidence),
    classCell,
    probValues,
    widthConf: width.sumConfidence,
    classConf: classTotals.sumConfidence,
  };
  const sampleSums = { nll: 0, brier: 0 };

  /**
   * Per ranking (top-label confidence, then each class's column): the values and outcomes in
   * ascending order, so a resample walks them sequentially and reads only its counts by index.
   * The equal-width bin is monotone in the value, so each equal-width bin is a run of the walk
   * (ending at widthStops[b]): the walk also gives that binning's counts and hits.
   */
  const rankings: Ranking[] = [tl.confidence, ...columns].map((values, r) => {
    const order = sortedOrder(values);
    const sortedValues = new Float64Array(n);
    const sampleAndHit = new Int32Array(n);
    const widthStops = new Int32Array(bins);
    for (let j = 0; j < n; j++) {
      const i = order[j];
      sortedValues[j] = values[i];
      const hit = r === 0 ? tl.correct[i] === 1 : labels[i] === r - 1;
      sampleAndHit[j] = hit ? i | HIT : i;
      widthStops[widthBin(values[i], widthEdges)] = j + 1;
    }
    for (let b = 1; b < bins; b++) widthStops[b] = Math.max(widthStops[b], widthStops[b - 1]);
    const widthTotals = r === 0 ? width : classSlices[r - 1];
    return {
      sampleAndHit,
      sortedValues,
      widthStops,
      widthCount: widthTotals.count,
      widthHits: widthTotals.sumCorrect,
    };
  });
  const scratch = equalMassScratch(bins, n);

  return (indices) => {
    if (indices.length !== n)
      throw new ShapeMismatchError(`resampledExitMetrics: ${indices.length} indices, expected ${n}`);
    count.fill(0);
    for (let r = 0; r < n; r++) count[indices[r]]++;
    // Every sum below skips the absent samples (they would add exactly +0); listing the present
    // ones first spares each pass an unpredictable branch per sample.
    let m = 0;
    for (let i = 0; i < n; i++) {
      present[m] = i;
      m += -count[i] >>> 31; // 1 when count[i] > 0
    }
    sampleOrderSums(present, m, count, C, sampleTerms, sampleSums);
    const nll = sampleSums.nll;
    const brier = sampleSums.brier;
    // Read at once: the next equalMassTotals call reuses the same totals.
    const mass = equalMassTotals(rankings[0], count, bins, scratch);
    const hits = scratch.hits;
    const eceEqualMass = normOfGaps(mass, 'l1');
    const debiasedL2Ce = Math.sqrt(Math.max(debiasedSquare(mass), 0));
    let classwise = 0;
    let adaptive = 0;
    for (let k = 0; k < C; k++) {
      const classMass = equalMassTotals(rankings[k + 1], count, bins, scratch); // fills classSlices[k]'s counts
      classwise += normOfGaps(classSlices[k], 'l1');
      adaptive += normOfGaps(classMass, 'l1');
    }
    return {
      accuracy: hits / n,
      nll: nll / n,
      brier: brier / n,
      ece: normOfGaps(width, 'l1'),
      eceEqualMass,
      rmsce: normOfGaps(width, 'l2'),
      mce: normOfGaps(width, 'max'),
      adaptiveEce: adaptive / C,
      classwiseEce: classwise / C,
      debiasedL2Ce,
      smoothEce: smooth(count).value,
    };
  };
}

/** The sign bit of {@link Ranking.sampleAndHit}: set for a hit. */
const HIT = 1 << 31;

/** Per-sample terms of the sums that follow sample order, and the equal-width sums they fill. */
interface SampleTerms {
  nllTerm: Float64Array;
  brierTerm: Float64Array;
  topBin: Int32Array;
  topConfidence: Float64Array;
  classCell: Int32Array;
  probValues: Float64Array;
  widthConf: Float64Array;
  classConf: Float64Array;
}

/**
 * The sums that must follow sample order, over the m present samples: NLL and Brier totals
 * (into out) and the confidence sums per equal-width bin (into terms.widthConf / classConf).
 */
function sampleOrderSums(
  present: Int32Array,
  m: number,
  count: Int32Array,
  C: number,
  terms: SampleTerms,
  out: { nll: number; brier: number },
): void {
  const {
    nllTerm,
    brierTerm,
    topBin,
    topConfidence,
    classCell,
    probValues,
    widthConf: wConf,
    classConf: cConf,
  } = terms;
  let nll = 0;
  let brier = 0;
  wConf.fill(0);
  cConf.fill(0);
  for (let p = 0; p < m; p++) {
    const i = present[p];
    const w = count[i];
    nll += w * nllTerm[i];
    brier += w * brierTerm[i];
    wConf[topBin[i]] += w * topConfidence[i];
    const row = i * C;
    // Two classes per step (their cells differ, so the order of the two adds is immaterial):
    // the loop overhead was a fair part of this pass.
    const rowEnd = row + C;
    let at = row;
    for (; at + 1 < rowEnd; at += 2) {
      cConf[classCell[at]] += w * probValues[at];
      cConf[classCell[at + 1]] += w * probValues[at + 1];
    }
    if (at < rowEnd) cConf[classCell[at]] += w * probValues[at];
  }
  out.nll = nll;
  out.brier = brier;
}

/** One sort order of the samples, with the sorted values and outcomes. */
interface Ranking {
  /**
   * The j-th sample in ascending order of value (i: sampleAndHit[j] & ~HIT), with its outcome in
   * the sign bit (set for a hit), so the walk reads one array where it read two.
   */
  sampleAndHit: Int32Array;
  sortedValues: Float64Array;
  /** Equal-width bin b of the values is the run of the walk before widthStops[b]. */
  widthStops: Int32Array;
  /** Where the walk writes each equal-width bin's count and hits. */
  widthCount: Float64Array;
  widthHits: Float64Array;
}

/** Buffers of {@link equalMassTotals}, reused by every resample so a resample allocates nothing. */
interface EqualMassScratch {
  /** end_g for g = 0…M−2 (M = min(bins, n)), then n + 1. */
  groupEnds: Int32Array;
  /** The distinct edges found so far, and each bin's sums. */
  edgesFound: Float64Array;
  binCount: Float64Array;
  binConfidence: Float64Array;
  binCorrect: Float64Array;
  /**
   * Per bin count M (1…bins): the totals handed out, views of the first M bins of the arrays
   * above (edges: 0 then edgesFound), so handing them out copies nothing. Valid until the next
   * walk.
   */
  totals: BinTotals[];
  /** Σ count·hit over the last ranking walked. */
  hits: number;
}

function equalMassScratch(bins: number, n: number): EqualMassScratch {
  // Group g of the resample's n sorted points ends at groupEnds[g] (np.array_split sizes: the
  // first n mod M groups one larger); the last entry, n + 1, is an end no position reaches.
  const M = Math.min(bins, n);
  const groupEnds = new Int32Array(M);
  for (let g = 0, end = 0; g < M - 1; g++) groupEnds[g] = end += Math.floor(n / M) + (g < n % M ? 1 : 0);
  groupEnds[M - 1] = n + 1;
  const edges = new Float64Array(bins + 1); // edges[0] = 0 stays
  const binCount = new Float64Array(bins);
  const binConfidence = new Float64Array(bins);
  const binCorrect = new Float64Array(bins);
  return {
    groupEnds,
    edgesFound: edges.subarray(1),
    binCount,
    binConfidence,
    binCorrect,
    totals: Array.from({ length: bins + 1 }, (_, M) => ({
      edges: edges.subarray(0, M + 1),
      count: binCount.subarray(0, M),
      sumConfidence: binConfidence.subarray(0, M),
      sumCorrect: binCorrect.subarray(0, M),
    })),
    hits: 0,
  };
}

/**
 * Totals over the resample's equal-mass bins of one ranking, as `equalMassEdgesAt` and
 * `binTotals` give them on the gathered, sorted resample, in one walk of the presorted order
 * that visits each sample present in the resample (count[i] copies) once.
 *
 * Edge g is the midpoint of the resample's order statistics at positions end_g − 1 and end_g
 * (end_g: where group g ends). A present sample with value v covering positions pos…pos+w−1
 * settles every edge with end_g ≤ pos + w − 1 (the one with end_g = pos from its predecessor's
 * value and v, those inside from v twice), and every edge still open is ≥ v. So when v is
 * reached, all edges below v are known, and v's bin (the smallest b with v ≤ edges[b+1], the
 * number of distinct edges below v) is known: each sum accumulates in the order of the walk of
 * the gathered, sorted resample. The edges ascend and end at 1 ≥ every probability (checked in
 * [0, 1] by the caller), so merging equal neighbours is equalMassEdgesAt's sort-and-deduplicate.
 *
 * Most samples only add to the running sums: one test (reaching end_g, or passing the current
 * bin's edge) sends the few others to the bookkeeping. There, absent samples (count 0) are
 * skipped: they add exactly +0 to every sum and cover no position, and each present sample's
 * bin is still the number of edges settled below its value. A bin's count and hits are
 * integers, so they are taken as differences of running totals (exact).
 *
 * On the way it writes the ranking's equal-width counts and hits (runs ending at widthStops)
 * and leaves Σ count·hit in s.hits.
 */
function equalMassTotals(ranking: Ranking, count: Int32Array, bins: number, s: EqualMassScratch): BinTotals {
  const { sampleAndHit, sortedValues, widthStops, widthCount, widthHits } = ranking;
  const { groupEnds, edgesFound, binCount, binConfidence, binCorrect } = s;
  let g = 0; // next edge to settle (edges 0…M−2 come from order statistics)
  let end = groupEnds[0]; // end_g
  let found = 0; // distinct edges settled
  let bin = 0; // bin the running sums belong to: the number of settled edges below its values
  let binEdge = Infinity; // edgesFound[bin] once settled: a value above it starts a later bin
  let sc = 0; // Σ count·value of the current bin, in walk order
  let pos = 0; // resample points before sample j
  let hitTotal = 0; // Σ count·hit over the samples walked
  let binStart = 0; // pos where the current bin starts
  let hitStart = 0; // hitTotal where the current bin starts
  let atEndMinusOne = 0; // the order statistic at end_g − 1, once reached
  for (let wb = 0, j = 0; wb < bins; wb++) {
    for (const stop = widthStops[wb]; j < stop; j++) {
      const code = sampleAndHit[j];
      const w = count[code & ~HIT];
      const hits = w & (code >> 31); // w for a hit, else 0
      const v = sortedValues[j];
      if (pos + w >= end || v > binEdge) {
        if (w === 0) continue;
        if (pos === end) {
          // Sample j starts at end_g: edge g is the midpoint of its predecessor's value and its own.
          const edge = (atEndMinusOne + v) / 2;
          if (found === 0 || edgesFound[found - 1] !== edge) edgesFound[found++] = edge;
          g++;
          end = groupEnds[g];
          if (bin < found) binEdge = edgesFound[bin];
        }
        if (v > binEdge) {
          let below = bin;
          while (below < found && edgesFound[below] < v) below++;
          binCount[bin] = pos - binStart;
          binConfidence[bin] = sc;
          binCorrect[bin] = hitTotal - hitStart;
          for (let b = bin + 1; b < below; b++) binCount[b] = binConfidence[b] = binCorrect[b] = 0;
          bin = below;
          binEdge = bin < found ? edgesFound[bin] : Infinity;
          sc = 0;
          binStart = pos;
          hitStart = hitTotal;
        }
        sc += w * v;
        hitTotal += hits;
        pos += w;
        while (pos > end) {
          // end_g − 1 and end_g both in sample j.
          const edge = (v + v) / 2;
          if (found === 0 || edgesFound[found - 1] !== edge) edgesFound[found++] = edge;
          g++;
          end = groupEnds[g];
          if (bin < found) binEdge = edgesFound[bin];
        }
        if (pos === end) atEndMinusOne = v; // end_g − 1 is sample j's last position
      } else {
        sc += w * v;
        hitTotal += hits;
        pos += w;
      }
    }
    widthCount[wb] = pos; // points and hits up to the end of equal-width bin wb; differenced below
    widthHits[wb] = hitTotal;
  }
  for (let wb = bins - 1; wb > 0; wb--) {
    widthCount[wb] -= widthCount[wb - 1];
    widthHits[wb] -= widthHits[wb - 1];
  }
  s.hits = hitTotal;
  if (found === 0 || edgesFound[found - 1] !== 1) edgesFound[found++] = 1;
  binCount[bin] = pos - binStart;
  binConfidence[bin] = sc;
  binCorrect[bin] = hitTotal - hitStart;
  for (let b = bin + 1; b < found; b++) binCount[b] = binConfidence[b] = binCorrect[b] = 0;
  return s.totals[found];
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

/** Whether typed arrays store the low-order bytes first (every platform Node runs on in practice). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Indices 0…n−1 ordered by ascending value, ties by index: what a stable comparison sort gives,
 * by a stable byte-wise radix sort of the values' bit patterns (for values ≥ 0 their order; −0 is
 * made +0 first so the two zeros tie as they compare). Much faster than a comparison sort for the
 * 10,000-row records, whose eleven orders are each sorted once per exit.
 */
function sortedOrder(values: Float64Array): Int32Array {
  const n = values.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (!LITTLE_ENDIAN) return order.sort((a, b) => values[a] - values[b]);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = values[i] + 0;
  const words = new Uint32Array(keys.buffer);
  let from = order;
  let to = new Int32Array(n);
  const start = new Int32Array(256);
  for (let byte = 0; byte < 8; byte++) {
    const word = byte >> 2;
    const shift = (byte & 3) * 8;
    start.fill(0);
    for (let i = 0; i < n; i++) start[(words[2 * i + word] >>> shift) & 255]++;
    // A byte all keys share leaves the order as it is.
    if (start[(words[word] >>> shift) & 255] === n) continue;
    for (let d = 0, at = 0; d < 256; d++) {
      const size = start[d];
      start[d] = at;
      at += size;
    }
    for (let p = 0; p < n; p++) {
      const i = from[p];
      to[start[(words[2 * i + word] >>> shift) & 255]++] = i;
    }
    [from, to] = [to, from];
  }
  return from;
}
