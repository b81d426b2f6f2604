import { quantileSorted } from '../../metrics/bootstrap';

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
  /**
   * Two-sided level of [low, high] at this point. Judged points: 1 − α/D with D the point's step
   * in Holm's step-down (see {@link judgePoints}); at the first step D = m, and intervals all at
   * 1 − α/m hold simultaneously at 1 − α (Bonferroni). Descriptive points: 1 − α/m.
   */
  level: number;
  /** Verdict at this point, read from [low, high] ({@link intervalVerdict}); null: reported, not judged. */
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
  /** Family-wise error rate over the points (two-sided: α/2 per direction of decision). */
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

/** Two-sided percentile interval at level 1 − a of sorted replicates (interpolated quantiles). */
function intervalAt(sorted: Float64Array, a: number): { low: number; high: number } {
  return { low: quantileSorted(sorted, a / 2), high: quantileSorted(sorted, 1 - a / 2) };
}

/**
 * The verdict an interval of Δ shows: `supported` when it lies entirely beyond the minimum effect
 * δ in the claimed direction (above δ for 'higher', below −δ for 'lower'), `contradicted` when it
 * lies entirely on the other side of 0, else `inconclusive`. This is the only decision rule of the
 * judged points: the report prints it, and a reader can apply it to the interval shown.
 */
export function intervalVerdict(low: number, high: number, direction: Direction, minEffect: number): Verdict {
  const beyond = direction === 'higher' ? low > minEffect : high < -minEffect;
  const against = direction === 'higher' ? high < 0 : low > 0;
  return beyond ? 'supported' : against ? 'contradicted' : 'inconclusive';
}

/**
 * Holm's step-down realised on intervals, for one direction of decision: at a step with D points
 * of this direction still undecided, each of them is read on its interval at level 1 − α/D;
 * those that now show `want` are decided at step D, and the next step has D minus their number.
 * It stops when a step decides nothing. With p_j the smallest a at which point j's interval shows
 * `want` (percentile intervals widen as a falls, so this is well defined), this rejects exactly
 * what Holm's procedure rejects on those p-values at α.
 * @returns per point, the D at which it was decided (0: never), and the last step's D.
 */
function stepDown(
  sorted: readonly (Float64Array | null)[],
  want: Verdict,
  direction: Direction,
  minEffect: number,
  alpha: number,
): { decidedAt: number[]; last: number } {
  const m = sorted.length;
  const decidedAt = new Array<number>(m).fill(0);
  let D = m;
  for (;;) {
    const now: number[] = [];
    sorted.forEach((s, j) => {
      if (s === null || decidedAt[j] > 0) return;
      const { low, high } = intervalAt(s, alpha / D);
      if (intervalVerdict(low, high, direction, minEffect) === want) now.push(j);
    });
    if (now.length === 0) return { decidedAt, last: D };
    for (const j of now) decidedAt[j] = D;
    D -= now.length;
  }
}

/**
 * Judge a claim at its pre-registered points, with one procedure for verdicts and intervals:
 * Holm's step-down realised as step-down intervals (see {@link stepDown}), run separately for the
 * two directions of decision, each at family-wise α over the m points. Every interval is two-sided
 * with tails of a/2, so each direction's one-sided errors are controlled at α/2 and both together
 * at α, whatever the dependence between the points. A point is shown at the level where it was
 * decided (supported: its step in the "beyond δ" step-down; contradicted: in the "other side of 0"
 * one); an undecided point at the widest level either step-down ended on, where neither decides.
 * Hence every point's verdict is {@link intervalVerdict} of the interval displayed with it. The
 * price of Holm's extra power: intervals of decided points can be narrower than 1 − α/m, so only
 * intervals all at 1 − α/m (the first step) are simultaneous at 1 − α.
 * The claim is supported when some point is and none is contradicted, contradicted in the mirror
 * case, and inconclusive otherwise (no clear effect, or effects both ways); `combine: 'exists'`
 * changes that last rule only.
 */
export function judgePoints(
  points: readonly PointSample[],
  o: JudgeOptions,
): { verdict: Verdict; estimates: DeltaEstimate[] } {
  const maxUndefined = o.maxUndefined ?? 0.05;
  const sorted = points.map((p) => {
    const s = finiteSorted(p.replicates);
    return Number.isFinite(p.estimate) && s.length >= (1 - maxUndefined) * p.replicates.length && s.length > 1
      ? s
      : null;
  });
  const sup = stepDown(sorted, 'supported', o.direction, o.minEffect, o.alpha);
  const con = stepDown(sorted, 'contradicted', o.direction, o.minEffect, o.alpha);
  const undecidedD = Math.max(sup.last, con.last, 1);
  const estimates = points.map((p, j): DeltaEstimate => {
    const s = sorted[j];
    const D = sup.decidedAt[j] || con.decidedAt[j] || undecidedD;
    const base = { quantity: o.quantity, at: p.at, estimate: p.estimate, level: 1 - o.alpha / D };
    if (s === null)
      return {
        ...base,
        low: null,
        high: null,
        verdict: 'inconclusive',
        note: 'undefined on the data or in too many resamples (the device keeps no sample)',
      };
    const { low, high } = intervalAt(s, o.alpha / D);
    return { ...base, low, high, verdict: intervalVerdict(low, high, o.direction, o.minEffect) };
  });
  const vs = estimates.map((e) => e.verdict);
  if (o.combine === 'exists') {
    return {
      verdict: vs.includes('supported')
        ? 'supported'
        : vs.every((v) => v === 'contradicted')
          ? 'contradicted'
          : 'inconclusive',
      estimates,
    };
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
    quantity,
    at: p.at,
    estimate: p.estimate,
    level,
    low: s.length > 1 ? quantileSorted(s, (1 - level) / 2) : null,
    high: s.length > 1 ? quantileSorted(s, (1 + level) / 2) : null,
    verdict: null,
  };
}
