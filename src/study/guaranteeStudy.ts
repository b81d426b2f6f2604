import type { ExitRecords } from '../records/types';
import type { PlotlyFigure } from '../plots/figure';
import { offloadFigure, violationFigure } from '../plots/guaranteeFigures';
import { GUARANTEE_RULES, guaranteeEvidence, type GuaranteeEvidence, type GuaranteeRule } from './guaranteeEvidence';
import { guaranteeClaims, type GuaranteeClaim } from './guaranteeClaims';
import { uncalibratedScores } from '../records/scores';
import { countSegments, deviceSegments, riskControlThreshold } from '../offloading/riskControl';
import { clopperPearson } from '../offloading/riskControlBinomial';

/**
 * The guarantee study over models and device-branch counts: evidence, claims and figures as data
 * (no I/O, no prose beyond figure labels). Timing is measured per entry so the report can state it.
 */

/** A model's records. */
export interface GuaranteeModel {
  name: string;
  val: ExitRecords;
  test: ExitRecords;
}

/** Options of {@link runGuaranteeStudy}. */
export interface GuaranteeStudyOptions {
  ks: readonly number[];
  targets: readonly number[];
  delta: number;
  draws: number;
  seed: number;
  rules?: readonly GuaranteeRule[];
  /** Called before each (model, k) entry. */
  onEntry?: (model: string, k: number, index: number, total: number) => void;
}

/**
 * The shipped splits as they are: the threshold certified on the real validation split, and the
 * device accuracy it gives on the real test split (one draw of the future, and a check of the
 * exchangeability the guarantee assumes), beside p_tar = target on the raw softmax.
 */
export interface HeldOutRow {
  target: number;
  /** Certified threshold on the validation split, or null. */
  threshold: number | null;
  /** Test split at that threshold (null when none certified or nothing kept). */
  testAccuracy: number | null;
  /** 95 % Clopper–Pearson interval of the test accuracy at the threshold (the test split is finite too). */
  testInterval: [number, number] | null;
  testOffload: number | null;
  /** Test split at p_tar = target, raw softmax. */
  rawAccuracy: number | null;
  rawOffload: number;
}

/** One (model, k). */
export interface GuaranteeEntry {
  model: string;
  k: number;
  heldOut: HeldOutRow[];
  evidence: GuaranteeEvidence;
  claims: GuaranteeClaim[];
  /** Wall-clock seconds the evidence took (measured). */
  seconds: number;
}

/** The study result. */
export interface GuaranteeStudy {
  options: Omit<GuaranteeStudyOptions, 'onEntry'>;
  entries: GuaranteeEntry[];
  /** Figures by file stem. */
  figures: Record<string, PlotlyFigure>;
}

/** Short legend label of a rule. */
export const RULE_LABELS: Record<GuaranteeRule, string> = {
  uncalibrated: 'uncalibrated, p_tar = target',
  temperature: 'TS per exit, p_tar = target',
  'per-branch': 'TS per branch, p_tar = target',
  global: 'TS global, p_tar = target',
  'risk-control': 'risk control (LTT)',
};

/** File stem of an entry's figure. */
export function guaranteeFigureStem(model: string, k: number, kind: 'violations' | 'offload'): string {
  return `guarantees-${model.replace(/[^A-Za-z0-9._-]/g, '_')}-k${k}-${kind}`;
}

/** Certify on the validation split, measure on the test split (see {@link HeldOutRow}). */
export function heldOutRows(
  m: GuaranteeModel,
  k: number,
  o: Pick<GuaranteeStudyOptions, 'targets' | 'delta' | 'seed'>,
): HeldOutRow[] {
  const valScores = uncalibratedScores(m.val).slice(0, k);
  const testScores = uncalibratedScores(m.test).slice(0, k);
  return o.targets.map((target) => {
    const rc = riskControlThreshold(valScores, m.val.labels, { target, delta: o.delta, seed: o.seed });
    const grid = [...new Set([target, rc.threshold ?? target])].sort((a, b) => a - b);
    const c = countSegments(deviceSegments(testScores, m.test.labels, grid));
    const at = (x: number) => grid.indexOf(x);
    const acc = (g: number) => (c.kept[g] > 0 ? c.correct[g] / c.kept[g] : null);
    return {
      target,
      threshold: rc.threshold,
      testAccuracy: rc.threshold === null ? null : acc(at(rc.threshold)),
      testInterval:
        rc.threshold === null || c.kept[at(rc.threshold)] === 0
          ? null
          : clopperPearson(c.correct[at(rc.threshold)], c.kept[at(rc.threshold)], 0.95),
      testOffload: rc.threshold === null ? null : 1 - c.kept[at(rc.threshold)] / c.total,
      rawAccuracy: acc(at(target)),
      rawOffload: 1 - c.kept[at(target)] / c.total,
    };
  });
}

/** Run every (model, k). */
export function runGuaranteeStudy(models: readonly GuaranteeModel[], o: GuaranteeStudyOptions): GuaranteeStudy {
  const rules = o.rules ?? GUARANTEE_RULES;
  const entries: GuaranteeEntry[] = [];
  const figures: Record<string, PlotlyFigure> = {};
  const total = models.length * o.ks.length;
  for (const m of models) {
    for (const k of o.ks) {
      o.onEntry?.(m.name, k, entries.length, total);
      const t0 = Date.now();
      const evidence = guaranteeEvidence(m.val, m.test, {
        k,
        targets: o.targets,
        delta: o.delta,
        draws: o.draws,
        seed: o.seed,
        rules,
      });
      const seconds = (Date.now() - t0) / 1000;
      entries.push({
        model: m.name,
        k,
        heldOut: heldOutRows(m, k, o),
        evidence,
        claims: guaranteeClaims(evidence),
        seconds,
      });
      const byRule = (r: GuaranteeRule) => evidence.rows.filter((x) => x.rule === r);
      const present = rules.filter((r) => byRule(r).length > 0);
      figures[guaranteeFigureStem(m.name, k, 'violations')] = violationFigure(
        present.map((r) => {
          const rows = byRule(r);
          return {
            label: RULE_LABELS[r],
            targets: rows.map((x) => x.target),
            rate: rows.map((x) => x.violationRate),
            lo: rows.map((x) => x.interval[0]),
            hi: rows.map((x) => x.interval[1]),
          };
        }),
        o.delta,
        `${m.name}, k = ${k}: how often the device misses the target (${o.draws} calibration draws)`,
        evidence.intervalLevel,
      );
      const any = byRule(present[0]);
      figures[guaranteeFigureStem(m.name, k, 'offload')] = offloadFigure(
        [
          ...present.map((r) => ({
            label: RULE_LABELS[r],
            targets: byRule(r).map((x) => x.target),
            offload: byRule(r).map((x) => x.meanOffload),
          })),
          {
            label: 'oracle (population, no guarantee)',
            targets: any.map((x) => x.target),
            offload: any.map((x) => x.oracleOffload),
            dashed: true,
          },
        ],
        `${m.name}, k = ${k}: P_off each rule pays (population, mean over draws)`,
      );
    }
  }
  const { onEntry: _ignored, ...options } = o;
  return { options: { ...options, rules }, entries, figures };
}
