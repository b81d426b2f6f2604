import type { FloatArray } from '../records/types';
import { binTotals, equalWidthEdges } from './binning';
import { checkBins, checkProbabilities } from './checks';

/**
 * Multiclass Brier score (Brier 1950): mean over samples of Σ_k (p_ik − 1[y_i = k])².
 * Ranges over [0, 2]; 0 is perfect.
 */
export function brierScore(probs: FloatArray, labels: Int32Array, numClasses: number): number {
  checkProbabilities(probs, labels, numClasses, 'brierScore');
  const C = numClasses;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let k = 0; k < C; k++) {
      const d = probs[i * C + k] - (labels[i] === k ? 1 : 0);
      sum += d * d;
    }
  }
  return sum / labels.length;
}

/** Brier score split into its parts; brier = reliability − resolution + uncertainty + the two within-bin terms. */
export interface BrierDecomposition {
  brier: number;
  /** Σ_k Σ_b (n_b/N)(p̄_bk − ō_bk)²: miscalibration (lower is better). */
  reliability: number;
  /** Σ_k Σ_b (n_b/N)(ō_bk − ō_k)²: how much the binned forecasts separate outcomes (higher is better). */
  resolution: number;
  /** Σ_k ō_k(1 − ō_k): the score of always predicting the class frequencies. */
  uncertainty: number;
  /** Σ_k (1/N) Σ_b Σ_{i∈b} (p_ik − p̄_bk)²: spread of forecasts inside bins (0 for discrete forecasts). */
  withinBinVariance: number;
  /** Σ_k −(2/N) Σ_b Σ_{i∈b} (p_ik − p̄_bk)(o_ik − ō_bk): within-bin covariance term. */
  withinBinCovariance: number;
}

/**
 * Murphy's (1973) decomposition of the multiclass Brier score, applied to each class's
 * probabilities p[:, k] binned on equal-width bins and summed over classes, with the two
 * within-bin terms of Stephenson, Coelho & Jolliffe (2008) that make it exact for continuous
 * forecasts: brier = reliability − resolution + uncertainty + withinBinVariance + withinBinCovariance.
 * @param opts.bins - equal-width bins per class (default 15; membership lo < p ≤ hi, 0 in the first).
 */
export function brierDecomposition(
  probs: FloatArray,
  labels: Int32Array,
  numClasses: number,
  opts: { bins?: number } = {},
): BrierDecomposition {
  checkProbabilities(probs, labels, numClasses, 'brierDecomposition');
  const bins = opts.bins ?? 15;
  checkBins(bins, 'brierDecomposition');
  const C = numClasses;
  const N = labels.length;
  const edges = equalWidthEdges(bins);
  const column = new Float64Array(N);
  const outcome = new Uint8Array(N);
  const binOf = new Int32Array(N);
  const out: BrierDecomposition = {
    brier: 0,
    reliability: 0,
    resolution: 0,
    uncertainty: 0,
    withinBinVariance: 0,
    withinBinCovariance: 0,
  };
  for (let k = 0; k < C; k++) {
    for (let i = 0; i < N; i++) {
      column[i] = probs[i * C + k];
      outcome[i] = labels[i] === k ? 1 : 0;
    }
    const t = binTotals(column, outcome, edges);
    let base = 0;
    for (let i = 0; i < N; i++) base += outcome[i];
    base /= N;
    out.uncertainty += base * (1 - base);
    for (let b = 0; b < bins; b++) {
      const n = t.count[b];
      if (n === 0) continue;
      const pBar = t.sumConfidence[b] / n;
      const oBar = t.sumCorrect[b] / n;
      out.reliability += (n / N) * (pBar - oBar) ** 2;
      out.resolution += (n / N) * (oBar - base) ** 2;
    }
    // Second pass for the within-bin terms, which need each sample's bin means.
    for (let i = 0; i < N; i++) binOf[i] = binIndexOf(t.count, t.edges, column[i]);
    for (let i = 0; i < N; i++) {
      const b = binOf[i];
      const n = t.count[b];
      const dp = column[i] - t.sumConfidence[b] / n;
      const dobs = outcome[i] - t.sumCorrect[b] / n;
      out.withinBinVariance += (dp * dp) / N;
      out.withinBinCovariance += (-2 * dp * dobs) / N;
      out.brier += (column[i] - outcome[i]) ** 2 / N;
    }
  }
  return out;
}

/** Same membership rule as `binTotals` for equal-width edges. */
function binIndexOf(count: Float64Array, edges: Float64Array, c: number): number {
  const M = count.length;
  let b = Math.min(Math.max(Math.ceil(c * M) - 1, 0), M - 1);
  while (b > 0 && c <= edges[b]) b--;
  while (b < M - 1 && c > edges[b + 1]) b++;
  return b;
}
