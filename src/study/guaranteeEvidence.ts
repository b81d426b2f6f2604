import { ConfigError, ShapeMismatchError } from '../errors';
import type { ExitRecords } from '../records/types';
import { topLabelScores, uncalibratedScores, type ExitScores } from '../records/scores';
import { fitTemperatureExact } from '../calibration/temperatureFit';
import { fitGlobalTemperature, fitPerBranchTemperatures } from '../calibration/earlyExit';
import { TemperatureScaling } from '../calibration/temperatureScaling';
import {
  bestEmpiricalIndex,
  countSegments,
  defaultRiskGrid,
  deviceSegments,
  fixedSequenceFromCounts,
  type GridCounts,
} from '../offloading/riskControl';
import { clopperPearson } from '../offloading/riskControlBinomial';
import { createRng } from '../util/rng';
import { multiplicities, subsetRecords } from './stats/resample';

/**
 * Does a decision rule keep its promise "device accuracy on kept samples ≥ target"? The pooled
 * validation and test records of a model are the population, so the device accuracy at any
 * threshold is known exactly there. Each of R draws is a calibration set of the validation split's
 * size, drawn with replacement from the population (i.i.d. from it: exactly the setting of the
 * guarantee); each rule picks its threshold from the draw alone, and the draw is a violation when
 * the *population's* device accuracy at that threshold is below the target. No evaluation half is
 * drawn, so the counts carry no evaluation noise: only the calibration set varies.
 *
 * Rules: 'uncalibrated' (p_tar = target on raw softmax: the same threshold every draw, so it
 * violates in every draw or none), the TS variants 'temperature' (per exit), 'per-branch' and
 * 'global' refitted on each draw with p_tar = target (the paper's recipe), and 'risk-control'
 * (fixed-sequence LTT on raw softmax, see src/offloading/riskControl.ts).
 */

/** A decision rule under test. */
export type GuaranteeRule = 'uncalibrated' | 'temperature' | 'per-branch' | 'global' | 'risk-control';
export const GUARANTEE_RULES: readonly GuaranteeRule[] = [
  'uncalibrated',
  'temperature',
  'per-branch',
  'global',
  'risk-control',
];

/** Options of {@link guaranteeEvidence}. */
export interface GuaranteeEvidenceOptions {
  /** Device branches k. */
  k: number;
  /** Target accuracies (each also the p_tar of the calibration rules). */
  targets: readonly number[];
  /** δ of risk control (and the bar of the claims). */
  delta: number;
  /** Draws R (≥ 1,000 for the shipped report). */
  draws: number;
  seed: number;
  rules?: readonly GuaranteeRule[];
  /** Risk-control threshold grid (default: defaultRiskGrid). */
  grid?: readonly number[];
  /** Risk control's ordering share (default 0.25). */
  orderingFraction?: number;
  /** Calibration-set size (default: the validation split's size). */
  drawSize?: number;
  /** Family-wise level of the intervals over the targets (default 0.05: each interval at 1 − 0.05/m, Bonferroni). */
  alpha?: number;
}

/** Result for one rule at one target. */
export interface GuaranteeRow {
  rule: GuaranteeRule;
  target: number;
  draws: number;
  /** Draws whose population device accuracy at the chosen threshold is below the target. */
  violations: number;
  violationRate: number;
  /** Clopper–Pearson interval of the violation probability (Monte-Carlo uncertainty), at the evidence's `intervalLevel`. */
  interval: [number, number];
  /** Draws in which the rule chose no threshold (risk control certifying nothing: the device keeps nothing). */
  abstentions: number;
  /** Mean population P_off at the chosen threshold (1 when abstaining). */
  meanOffload: number;
  /** Population P_off at the largest threshold-grid kept share meeting the target on the population (the oracle; risk control's grid). */
  oracleOffload: number | null;
}

/** The whole evidence for one model and k. */
export interface GuaranteeEvidence {
  k: number;
  delta: number;
  populationSize: number;
  drawSize: number;
  draws: number;
  seed: number;
  /** Level of every interval: 1 − α/m for m targets, so all m hold together with probability ≥ 1 − α. */
  intervalLevel: number;
  rows: GuaranteeRow[];
}

/** Population accuracy/kept at each target of the device decision with these scores. */
function atTargets(scores: readonly ExitScores[], labels: Int32Array, targetsAsc: Float64Array): GridCounts {
  return countSegments(deviceSegments(scores, labels, targetsAsc));
}

function calibratedScores(records: ExitRecords, temperatures: readonly number[], k: number): ExitScores[] {
  return records.logits.slice(0, k).map((l, e) => topLabelScores(l, records.numClasses, temperatures[e]));
}

/** Run the evidence (see the module comment). */
export function guaranteeEvidence(val: ExitRecords, test: ExitRecords, o: GuaranteeEvidenceOptions): GuaranteeEvidence {
  if (val.numClasses !== test.numClasses || val.numExits !== test.numExits)
    throw new ShapeMismatchError('guarantee evidence: validation and test records differ in classes or exits');
  if (!(o.k >= 1 && o.k <= val.numExits - 1))
    throw new ConfigError(`guarantee evidence: k = ${o.k}: expected 1…${val.numExits - 1}`);
  if (!(Number.isInteger(o.draws) && o.draws >= 1))
    throw new ConfigError(`guarantee evidence: draws = ${o.draws}: expected an integer ≥ 1`);
  const pop = pool(val, test);
  const N = pop.numSamples;
  const n = o.drawSize ?? val.numSamples;
  const rules = o.rules ?? GUARANTEE_RULES;
  const targets = [...o.targets].sort((a, b) => a - b);
  const T = Float64Array.from(targets);
  const grid = Float64Array.from(o.grid ?? defaultRiskGrid());
  const raw = uncalibratedScores(pop).slice(0, o.k);
  const popRaw = atTargets(raw, pop.labels, T);
  const popSeg = deviceSegments(raw, pop.labels, grid);
  const popGrid = countSegments(popSeg);
  const fraction = o.orderingFraction ?? 0.25;
  const orderingSize = Math.min(n - 1, Math.max(1, Math.ceil(fraction * n)));

  type Tally = { violations: number; abstentions: number; offload: number };
  const tally = new Map<string, Tally>();
  const key = (rule: GuaranteeRule, t: number) => `${rule}@${t}`;
  for (const r of rules) for (const t of targets) tally.set(key(r, t), { violations: 0, abstentions: 0, offload: 0 });
  const add = (rule: GuaranteeRule, ti: number, c: GridCounts | null, g: number | null) => {
    const s = tally.get(key(rule, targets[ti]))!;
    if (c === null || g === null || c.kept[g] === 0) {
      s.abstentions++;
      s.offload += 1;
      return;
    }
    if (c.correct[g] / c.kept[g] < targets[ti]) s.violations++;
    s.offload += 1 - c.kept[g] / c.total;
  };

  const rng = createRng(o.seed);
  const idx = new Int32Array(n);
  for (let d = 0; d < o.draws; d++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(N);
    const draw = rules.some((r) => r === 'temperature' || r === 'per-branch' || r === 'global')
      ? subsetRecords(pop, idx)
      : null;
    for (const rule of rules) {
      if (rule === 'uncalibrated') {
        targets.forEach((_, ti) => add(rule, ti, popRaw, ti));
      } else if (rule === 'temperature') {
        const temps = draw!.logits
          .slice(0, o.k)
          .map((l) => fitTemperatureExact(l, draw!.labels, draw!.numClasses).temperature);
        const c = atTargets(calibratedScores(pop, temps, o.k), pop.labels, T);
        targets.forEach((_, ti) => add(rule, ti, c, ti));
      } else if (rule === 'per-branch' || rule === 'global') {
        targets.forEach((t, ti) => {
          const fit =
            rule === 'global'
              ? fitGlobalTemperature(draw!, { pTar: t, edgeExits: o.k })
              : fitPerBranchTemperatures(
                  draw!,
                  { pTar: t, edgeExits: o.k },
                  Array.from({ length: o.k }, (_, e) => e + 1),
                );
          const temps = fit.map((f) => (f.calibrator as TemperatureScaling).temperature);
          const c = atTargets(calibratedScores(pop, temps, o.k), pop.labels, Float64Array.of(t));
          add(rule, ti, c, 0);
        });
      } else {
        // The draw's first `orderingSize` members order the sequence (the draw is i.i.d., so they are a random part).
        const ord = multiplicities(idx.subarray(0, orderingSize), N);
        const tst = multiplicities(idx.subarray(orderingSize), N);
        const co = countSegments(popSeg, ord);
        const ct = countSegments(popSeg, tst);
        targets.forEach((t, ti) => {
          const { chosen } = fixedSequenceFromCounts(co, ct, grid, t, o.delta);
          add(rule, ti, popGrid, chosen);
        });
      }
    }
  }
  const intervalLevel = 1 - (o.alpha ?? 0.05) / targets.length;
  const rows: GuaranteeRow[] = [];
  for (const rule of rules) {
    for (const t of targets) {
      const s = tally.get(key(rule, t))!;
      const oracle = bestEmpiricalIndex(popGrid, t);
      rows.push({
        rule,
        target: t,
        draws: o.draws,
        violations: s.violations,
        violationRate: s.violations / o.draws,
        interval: clopperPearson(s.violations, o.draws, intervalLevel),
        abstentions: s.abstentions,
        meanOffload: s.offload / o.draws,
        oracleOffload: oracle === null ? null : 1 - popGrid.kept[oracle] / popGrid.total,
      });
    }
  }
  return { k: o.k, delta: o.delta, populationSize: N, drawSize: n, draws: o.draws, seed: o.seed, intervalLevel, rows };
}

/** Validation and test records as one population (sidecar of the validation records). */
export function pool(val: ExitRecords, test: ExitRecords): ExitRecords {
  const labels = new Int32Array(val.numSamples + test.numSamples);
  labels.set(val.labels, 0);
  labels.set(test.labels, val.numSamples);
  const logits = val.logits.map((l, e) => {
    const out = new Float64Array(l.length + test.logits[e].length);
    out.set(l, 0);
    out.set(test.logits[e], l.length);
    return out;
  });
  return {
    numSamples: labels.length,
    numClasses: val.numClasses,
    numExits: val.numExits,
    labels,
    logits,
    meta: val.meta,
  };
}
