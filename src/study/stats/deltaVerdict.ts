import { quantileSorted } from '../../metrics/bootstrap';
import { holmReject } from './holm';

/** The three verdicts of a claim. */
export type Verdict = 'supported' | 'contradicted' | 'inconclusive';

/** The direction a claim says a difference goes. */
export type Direction = 'lower' | 'higher';

/** One estimated difference (or gap) with its bootstrap interval and the verdict at its point. */
export interface DeltaEstimate {
  /** What was estimated, e.g. "Δ P_off (TS per exit − uncalibrated)". */
  quantity: string;
  /** The p_tar (or other point) it was judged at, null when there is a single point. */
  at: number | null;
  /** Point estimate on the original data. */
  estimate: number;
  /** Percentile interval at `level` (null when the statistic is undefined in too many replicates). */
  low: number | null;
  high: number | null;
  /** Coverage of [low, high]: simultaneous 1 − α over the claim's points (Bonferroni per point). */
  level: number;
  /** Verdict at this point after Holm's correction across the claim's points; null: reported, not judged. */
  verdict: Verdict | null;
  /** Why the point could not be judged, when it could not. */
  note?: string;
}

/** A statistic at one point: its value on the data and in each bootstrap replicate (NaN = undefined there). */
export interface PointSample {
  at: number | null;
  estimate: number;
  replicates: Float64Array;
}

/** How a claim is judged. */
export interface JudgeOptions {
  quantity: string;
  direction: Direction;
  /** Minimum effect δ ≥ 0: "supported" needs the whole interval beyond δ in the claimed direction. */
  minEffect: number;
  /** Family-wise error rate over the points (two-sided). */
  alpha: number;
  /** Points with more undefined replicates than this fraction are not judged (default 0.05). */
  maxUndefined?: number;
  /**
   * 'consistent' (default): supported when some point is and none is contradicted.
   * 'exists': the claim says the effect happens somewhere (e.g. "accuracy falls below p_tar"):
   * supported when some point is, contradicted only when every point is.
   */
  combine?: 'consistent' | 'exists';
}

/** Finite replicates, sorted ascending. */
function finiteSorted(x: Float64Array): Float64Array {
  let m = 0;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) out[m++] = x[i];
  return out.subarray(0, m).sort();
}

/**
 * Bootstrap p-values of the two one-sided tests at one point, with e = ±Δ oriented so that
 * positive is the claimed direction: "supported" tests H0: e ≤ δ, "contradicted" tests H0: e ≥ 0.
 * p = 2·(1 + #{replicates on H0's side})/(B + 1), capped at 1: the two-sided percentile-bootstrap
 * p-value (a 1 − α percentile interval excludes the boundary iff p ≤ α, up to the +1 correction).
 */
export function oneSidedPValues(sorted: Float64Array, sign: 1 | -1, minEffect: number): { supported: number; contradicted: number } {
  const B = sorted.length;
  let notBeyond = 0;
  let notAgainst = 0;
  for (let i = 0; i < B; i++) {
    const e = sign * sorted[i];
    if (e <= minEffect) notBeyond++;
    if (e >= 0) notAgainst++;
  }
  const p = (k: number) => Math.min(1, (2 * (1 + k)) / (B + 1));
  return { supported: p(notBeyond), contradicted: p(notAgainst) };
}

/**
 * Judge a claim at its pre-registered points: per point a one-sided bootstrap test for each
 * direction, Holm's correction across the points within each family, and a simultaneous interval
 * (each at level 1 − α/m). A point is `supported` when the claimed-direction test is rejected (its
 * interval lies beyond δ), `contradicted` when the opposite test is (it excludes 0 the other way),
 * else `inconclusive`. The claim is supported when some point is and none is contradicted,
 * contradicted in the mirror case, and inconclusive otherwise (no clear effect, or effects both ways).
 */
export function judgePoints(points: readonly PointSample[], o: JudgeOptions): { verdict: Verdict; estimates: DeltaEstimate[] } {
  const m = points.length;
  const sign: 1 | -1 = o.direction === 'higher' ? 1 : -1;
  const level = 1 - o.alpha / m;
  const maxUndefined = o.maxUndefined ?? 0.05;
  const sortedAll = points.map((p) => finiteSorted(p.replicates));
  const usable = points.map((p, j) => Number.isFinite(p.estimate) && sortedAll[j].length >= (1 - maxUndefined) * p.replicates.length && sortedAll[j].length > 1);
  const pv = points.map((_, j) => (usable[j] ? oneSidedPValues(sortedAll[j], sign, o.minEffect) : { supported: 1, contradicted: 1 }));
  const sup = holmReject(pv.map((p) => p.supported), o.alpha);
  const con = holmReject(pv.map((p) => p.contradicted), o.alpha);
  const estimates = points.map((p, j): DeltaEstimate => {
    const s = sortedAll[j];
    const base = { quantity: o.quantity, at: p.at, estimate: p.estimate, level };
    if (!usable[j]) return { ...base, low: null, high: null, verdict: 'inconclusive', note: 'undefined on the data or in too many resamples (the device keeps no sample)' };
    return {
      ...base,
      low: quantileSorted(s, (1 - level) / 2),
      high: quantileSorted(s, (1 + level) / 2),
      verdict: sup[j] ? 'supported' : con[j] ? 'contradicted' : 'inconclusive',
    };
  });
  const vs = estimates.map((e) => e.verdict);
  if (o.combine === 'exists') {
    return { verdict: vs.includes('supported') ? 'supported' : vs.every((v) => v === 'contradicted') ? 'contradicted' : 'inconclusive', estimates };
  }
  return { verdict: combineVerdicts(vs), estimates };
}

/** A claim's verdict from its points' verdicts (nulls are descriptive and ignored). */
export function combineVerdicts(vs: readonly (Verdict | null)[]): Verdict {
  const s = vs.includes('supported');
  const c = vs.includes('contradicted');
  return s && !c ? 'supported' : c && !s ? 'contradicted' : 'inconclusive';
}

/** A descriptive estimate (reported with its interval, not judged). */
export function describe(quantity: string, p: PointSample, level: number): DeltaEstimate {
  const s = finiteSorted(p.replicates);
  return {
    quantity, at: p.at, estimate: p.estimate, level,
    low: s.length > 1 ? quantileSorted(s, (1 - level) / 2) : null,
    high: s.length > 1 ? quantileSorted(s, (1 + level) / 2) : null,
    verdict: null,
  };
}
