import { ConfigError } from '../errors';
import { createRng, permutation } from '../util/rng';
import { binomialCdf } from './riskControlBinomial';

/**
 * Distribution-free risk-controlled offloading threshold (Learn-then-Test with fixed-sequence
 * testing; Angelopoulos, Bates, Candès, Jordan & Lei 2021; selective guaranteed risk, Geifman &
 * El-Yaniv 2017). Guarantee, for samples exchangeable with the validation records: with
 * probability ≥ 1 − δ over the validation records, the device's accuracy on the samples it keeps
 * at the chosen threshold is at least the target.
 *
 * Device decision with k branches, as in the cascade: a sample leaves at the first of branches
 * 1..k whose confidence ≥ λ, otherwise it is offloaded. Acc(λ) = accuracy over the kept samples.
 *
 * Hypothesis per grid threshold λ: H_λ: Acc(λ) < target. Given the m samples kept at λ, their
 * errors are Binomial(m, 1 − Acc(λ)), so p(λ) = P(Bin(m, 1 − target) ≤ errors) is a valid
 * p-value for H_λ (exact binomial tail; under H_λ the error rate exceeds 1 − target).
 *
 * The order of the fixed sequence. Fixed-sequence testing rejects H_λ1, H_λ2, … while p ≤ δ and
 * stops at the first failure; it controls the family-wise error at δ for any order fixed before
 * the tested data are seen. Starting at the largest λ (the "safest" end) is valid but useless:
 * there only a handful of samples are kept, p cannot fall below δ, nothing is rejected and the
 * device keeps nothing. Starting at the smallest λ (most kept) is useless too: there the accuracy
 * is lowest and H_λ is true. So the validation records are split at random (seeded): the
 * *ordering* part predicts, for every λ, the p-value the *testing* part would give (its counts
 * rescaled to the testing part's size), and the sequence starts at the λ where that prediction
 * is smallest (the hypothesis easiest to reject, usually with many samples kept), then walks
 * down the grid towards more kept samples: λ_s, λ_{s−1}, …, λ_0. The order depends only on the
 * ordering part, which is independent of the testing part, so conditionally on it the sequence
 * is fixed and the error control holds; unconditionally too. Thresholds above λ_s are never
 * tested: they keep fewer samples than λ_s. The chosen threshold is the last rejected one (the
 * most samples kept among the certified), or null when the first test already fails.
 */

/** One device branch's top-label view (calibrated or not). */
export interface BranchScores {
  confidence: ArrayLike<number>;
  prediction: ArrayLike<number>;
}

/** Per sample, the grid intervals [lo, hi) over which it is kept, and whether its answer there is right. */
export interface DeviceSegments {
  numSamples: number;
  /** Ascending threshold grid. */
  grid: Float64Array;
  /** Per sample: start offsets into lo/hi/correct (length numSamples + 1). */
  offset: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  correct: Uint8Array;
}

/** Device counts at every grid threshold. */
export interface GridCounts {
  /** Samples kept on the device at grid[g] (weighted). */
  kept: Float64Array;
  /** Of them, answered correctly. */
  correct: Float64Array;
  /** Total (weighted) samples. */
  total: number;
}

/** First index g with grid[g] > x (grid ascending). */
function firstAbove(grid: Float64Array, x: number): number {
  let lo = 0;
  let hi = grid.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (grid[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Segments of the cascade decision over the grid: branch e answers sample i for the λ with
 * max(conf_1..conf_{e−1}) < λ ≤ conf_e, i.e. grid indices [firstAbove(prevMax), firstAbove(conf_e)).
 */
export function deviceSegments(
  branches: readonly BranchScores[],
  labels: ArrayLike<number>,
  grid: ArrayLike<number>,
): DeviceSegments {
  const g = Float64Array.from(grid);
  for (let j = 1; j < g.length; j++)
    if (!(g[j] > g[j - 1]))
      throw new ConfigError(`risk-control grid: expected strictly ascending thresholds (at index ${j})`);
  const n = labels.length;
  const offset = new Int32Array(n + 1);
  const lo: number[] = [];
  const hi: number[] = [];
  const ok: number[] = [];
  for (let i = 0; i < n; i++) {
    let prev = -Infinity;
    let start = 0;
    for (const b of branches) {
      const c = b.confidence[i];
      if (c > prev) {
        const end = firstAbove(g, c);
        if (end > start) {
          lo.push(start);
          hi.push(end);
          ok.push(b.prediction[i] === labels[i] ? 1 : 0);
        }
        prev = c;
        start = Math.max(start, end);
      }
    }
    offset[i + 1] = lo.length;
  }
  return {
    numSamples: n,
    grid: g,
    offset,
    lo: Int32Array.from(lo),
    hi: Int32Array.from(hi),
    correct: Uint8Array.from(ok),
  };
}

/** Kept / correct counts at every grid threshold; `weights[i]` = multiplicity of sample i (default 1). */
export function countSegments(s: DeviceSegments, weights?: ArrayLike<number>): GridCounts {
  const G = s.grid.length;
  const dk = new Float64Array(G + 1);
  const dc = new Float64Array(G + 1);
  let total = 0;
  for (let i = 0; i < s.numSamples; i++) {
    const w = weights ? weights[i] : 1;
    total += w;
    if (w === 0) continue;
    for (let q = s.offset[i]; q < s.offset[i + 1]; q++) {
      dk[s.lo[q]] += w;
      dk[s.hi[q]] -= w;
      if (s.correct[q]) {
        dc[s.lo[q]] += w;
        dc[s.hi[q]] -= w;
      }
    }
  }
  for (let j = 1; j <= G; j++) {
    dk[j] += dk[j - 1];
    dc[j] += dc[j - 1];
  }
  return { kept: dk.subarray(0, G), correct: dc.subarray(0, G), total };
}

/** The default threshold grid: 0.50, 0.51, …, 0.99 and 0.995, 0.999. */
export function defaultRiskGrid(): number[] {
  const g: number[] = [];
  for (let j = 50; j <= 99; j++) g.push(j / 100);
  g.push(0.995, 0.999);
  return g;
}

/** Options of {@link riskControlThreshold}. */
export interface RiskControlOptions {
  /** Target device accuracy on kept samples, in (0, 1). */
  target: number;
  /** Allowed probability δ that the guarantee fails, in (0, 1). */
  delta: number;
  /** Ascending thresholds in (0, 1]; default {@link defaultRiskGrid}. */
  grid?: readonly number[];
  /** Share of the validation records used only to order the sequence (default 0.25). */
  orderingFraction?: number;
  /** Seed of the ordering/testing split (default 0). */
  seed?: number;
}

/** One test of the fixed sequence (on the testing part). */
export interface SequenceStep {
  threshold: number;
  kept: number;
  correct: number;
  pValue: number;
  rejected: boolean;
}

/** Validation quantities at one threshold, on all validation records. */
export interface AtThreshold {
  threshold: number;
  /** Kept share = 1 − P_off. */
  keptShare: number;
  offloadProbability: number;
  /** Accuracy over kept samples; null when none are kept. */
  deviceAccuracy: number | null;
}

/** The decision and everything needed to explain it. */
export interface RiskControlResult {
  method: 'risk-control';
  target: number;
  delta: number;
  /** The certified threshold, or null when no threshold of the grid can be certified. */
  threshold: number | null;
  /** Validation kept share, P_off and accuracy at the chosen threshold (all records). */
  chosen: AtThreshold | null;
  /** The largest validation kept share whose validation accuracy meets the target (no guarantee; the price reference). */
  bestEmpirical: AtThreshold | null;
  /** Tests in the order run, up to the first failure. */
  sequence: SequenceStep[];
  orderingSize: number;
  testingSize: number;
  grid: number[];
}

function checkOptions(o: RiskControlOptions, n: number): void {
  if (!(o.target > 0 && o.target < 1))
    throw new ConfigError(`risk control: target = ${o.target}: expected a number in (0, 1)`);
  if (!(o.delta > 0 && o.delta < 1))
    throw new ConfigError(`risk control: delta = ${o.delta}: expected a number in (0, 1)`);
  const f = o.orderingFraction ?? 0.25;
  if (!(f > 0 && f < 1)) throw new ConfigError(`risk control: orderingFraction = ${f}: expected a number in (0, 1)`);
  if (n < 2) throw new ConfigError(`risk control: ${n} validation samples: expected at least 2`);
}

/** Validation view at grid index g. */
function atIndex(c: GridCounts, grid: ArrayLike<number>, g: number): AtThreshold {
  const kept = c.kept[g];
  return {
    threshold: grid[g],
    keptShare: kept / c.total,
    offloadProbability: 1 - kept / c.total,
    deviceAccuracy: kept > 0 ? c.correct[g] / kept : null,
  };
}

/**
 * The fixed-sequence test from the ordering part's and the testing part's counts at every grid
 * threshold (see the module comment for the order): returns the steps run and the chosen grid index.
 */
export function fixedSequenceFromCounts(
  ord: GridCounts,
  tst: GridCounts,
  grid: ArrayLike<number>,
  target: number,
  delta: number,
): { steps: SequenceStep[]; chosen: number | null } {
  const G = grid.length;
  const alpha = 1 - target;
  const scale = tst.total / Math.max(ord.total, 1);
  let start = -1;
  let best = Infinity;
  for (let g = 0; g < G; g++) {
    const m = Math.round(ord.kept[g] * scale);
    if (m === 0) continue;
    const e = Math.round((ord.kept[g] - ord.correct[g]) * scale);
    const p = binomialCdf(e, m, alpha);
    // Ties go to the smaller λ (more samples kept).
    if (p < best) {
      best = p;
      start = g;
    }
  }
  const steps: SequenceStep[] = [];
  let chosen: number | null = null;
  if (start < 0) return { steps, chosen };
  for (let g = start; g >= 0; g--) {
    const m = tst.kept[g];
    const k = tst.correct[g];
    const p = m > 0 ? binomialCdf(m - k, m, alpha) : 1;
    const rejected = p <= delta;
    steps.push({ threshold: grid[g], kept: m, correct: k, pValue: p, rejected });
    if (!rejected) break;
    chosen = g;
  }
  return { steps, chosen };
}

/** The fixed-sequence test on precomputed segments; `inOrdering[i]` = 1 when sample i orders the sequence. */
export function fixedSequenceTest(
  seg: DeviceSegments,
  inOrdering: Uint8Array,
  target: number,
  delta: number,
): { steps: SequenceStep[]; chosen: number | null } {
  const ord = countSegments(seg, inOrdering);
  const tst = countSegments(
    seg,
    Uint8Array.from(inOrdering, (v) => 1 - v),
  );
  return fixedSequenceFromCounts(ord, tst, seg.grid, target, delta);
}

/** Seeded ordering/testing split: 1 marks the ⌈f·n⌉ ordering samples (at least 1, at most n − 1). */
export function orderingSplit(n: number, fraction: number, seed: number): Uint8Array {
  const size = Math.min(n - 1, Math.max(1, Math.ceil(fraction * n)));
  const perm = permutation(n, createRng(seed));
  const mark = new Uint8Array(n);
  for (let j = 0; j < size; j++) mark[perm[j]] = 1;
  return mark;
}

/** Largest kept share whose accuracy meets the target on these counts (index or null). */
export function bestEmpiricalIndex(c: GridCounts, target: number): number | null {
  let best: number | null = null;
  for (let g = 0; g < c.kept.length; g++) {
    if (c.kept[g] > 0 && c.correct[g] / c.kept[g] >= target && (best === null || c.kept[g] > c.kept[best])) best = g;
  }
  return best;
}

/**
 * Choose the device threshold with the risk-control guarantee (see the module comment).
 * `branches` are the k device branches' scores on the validation records (first k exits).
 */
export function riskControlThreshold(
  branches: readonly BranchScores[],
  labels: ArrayLike<number>,
  o: RiskControlOptions,
): RiskControlResult {
  const n = labels.length;
  checkOptions(o, n);
  const grid = [...(o.grid ?? defaultRiskGrid())];
  if (grid.some((x) => !(x > 0 && x <= 1))) throw new ConfigError(`risk control: grid: expected thresholds in (0, 1]`);
  const seg = deviceSegments(branches, labels, grid);
  const split = orderingSplit(n, o.orderingFraction ?? 0.25, o.seed ?? 0);
  const { steps, chosen } = fixedSequenceTest(seg, split, o.target, o.delta);
  const all = countSegments(seg);
  const best = bestEmpiricalIndex(all, o.target);
  let orderingSize = 0;
  for (const v of split) orderingSize += v;
  return {
    method: 'risk-control',
    target: o.target,
    delta: o.delta,
    threshold: chosen === null ? null : grid[chosen],
    chosen: chosen === null ? null : atIndex(all, grid, chosen),
    bestEmpirical: best === null ? null : atIndex(all, grid, best),
    sequence: steps,
    orderingSize,
    testingSize: n - orderingSize,
    grid,
  };
}
