import type { Verdict } from './stats/deltaVerdict';
import type { GuaranteeEvidence, GuaranteeRow, GuaranteeRule } from './guaranteeEvidence';

/**
 * Claims about the guarantee, judged from the Monte-Carlo evidence: "rule R meets the target with
 * probability ≥ 1 − δ over the calibration set", i.e. its violation probability v ≤ δ. Per target,
 * the verdict reads the same interval the report prints (Clopper–Pearson, Bonferroni over the
 * targets): supported when its upper end ≤ δ, contradicted when its lower end > δ, inconclusive
 * otherwise. Over the targets: supported when every target is, contradicted when any is (the
 * intervals hold simultaneously, so one contradicted target contradicts "at every target").
 * Data only; src/report words it.
 */

/** One target's judgement. */
export interface GuaranteePoint {
  target: number;
  violations: number;
  draws: number;
  interval: [number, number];
  verdict: Verdict;
}

/** A claim about one rule. */
export interface GuaranteeClaim {
  /** 'risk-control-meets-target' or 'ts-meets-target:<variant>'. */
  id: string;
  rule: GuaranteeRule;
  k: number;
  delta: number;
  intervalLevel: number;
  points: GuaranteePoint[];
  verdict: Verdict;
}

/** Verdict of v ≤ δ from an interval for v. */
export function violationVerdict(interval: [number, number], delta: number): Verdict {
  if (interval[1] <= delta) return 'supported';
  if (interval[0] > delta) return 'contradicted';
  return 'inconclusive';
}

/** Combine per-target verdicts of a simultaneous family. */
export function combineVerdicts(vs: readonly Verdict[]): Verdict {
  if (vs.includes('contradicted')) return 'contradicted';
  if (vs.length > 0 && vs.every((v) => v === 'supported')) return 'supported';
  return 'inconclusive';
}

/** The claims of one evidence run: one per rule other than 'uncalibrated' (which is shown, not claimed). */
export function guaranteeClaims(ev: GuaranteeEvidence): GuaranteeClaim[] {
  const rules = [...new Set(ev.rows.map((r) => r.rule))].filter((r) => r !== 'uncalibrated');
  return rules.map((rule) => {
    const rows = ev.rows.filter((r) => r.rule === rule);
    const points = rows.map((r: GuaranteeRow) => ({
      target: r.target,
      violations: r.violations,
      draws: r.draws,
      interval: r.interval,
      verdict: violationVerdict(r.interval, ev.delta),
    }));
    return {
      id: rule === 'risk-control' ? 'risk-control-meets-target' : `ts-meets-target:${rule}`,
      rule,
      k: ev.k,
      delta: ev.delta,
      intervalLevel: ev.intervalLevel,
      points,
      verdict: combineVerdicts(points.map((p) => p.verdict)),
    };
  });
}
