import type { RegimeSummary, ShortfallPoint } from './regimeSummary';

/**
 * The targets that make a trained model reproduce the paper's regime, fixed before training and
 * checked from the raw logits, and their checks as data. One home: the regime report, notebook 09
 * and the shipped-model test read the same numbers and the same rules; the report only words them.
 */
export const REGIME_TARGETS = {
  finalAccuracy: 0.7,
  eceBeforeAtLeast: 0.08,
  eceAfterAtMost: 0.03,
  minKept: 200,
} as const;

/** The regime targets' thresholds (a different set can be judged with the same rules). */
export type RegimeTargets = { readonly [K in keyof typeof REGIME_TARGETS]: number };

/** Which target a check judges. */
export type RegimeTargetId = 'final-accuracy' | 'ece-before' | 'ece-after' | 'uncalibrated-shortfall';

/** One target judged on one model. */
export interface RegimeTargetCheck {
  id: RegimeTargetId;
  /** The exit judged (branch 1 for the calibration targets, the final exit for accuracy). */
  exit: string;
  /** The threshold (for the shortfall target: the smallest number of samples the device keeps). */
  threshold: number;
  /** The measured value; for the shortfall target the number of shortfall points. */
  value: number;
  met: boolean;
  /** Shortfall target only: the point where accuracy falls furthest below p_tar, and the points examined. */
  worst?: ShortfallPoint;
  examined?: number;
}

/**
 * Judge a model's summary against the targets: final-exit accuracy ≥ finalAccuracy; branch 1's
 * 15-bin ECE before TS ≥ eceBeforeAtLeast and after TS per exit ≤ eceAfterAtMost; and some p_tar
 * where the uncalibrated k = 1 device keeps ≥ minKept samples and its accuracy's 95 % interval lies
 * wholly below p_tar (the summary's shortfall points, searched with the same minKept).
 */
export function regimeTargetChecks(s: RegimeSummary, t: RegimeTargets = REGIME_TARGETS): RegimeTargetCheck[] {
  const b1 = s.exits[0];
  const fin = s.exits[s.exits.length - 1];
  const worst = [...s.shortfalls].sort((a, b) => b.pTar - b.accuracy - (a.pTar - a.accuracy))[0];
  return [
    {
      id: 'final-accuracy',
      exit: fin.name,
      threshold: t.finalAccuracy,
      value: fin.accuracy,
      met: fin.accuracy >= t.finalAccuracy,
    },
    {
      id: 'ece-before',
      exit: b1.name,
      threshold: t.eceBeforeAtLeast,
      value: b1.eceBefore,
      met: b1.eceBefore >= t.eceBeforeAtLeast,
    },
    {
      id: 'ece-after',
      exit: b1.name,
      threshold: t.eceAfterAtMost,
      value: b1.eceAfter,
      met: b1.eceAfter <= t.eceAfterAtMost,
    },
    {
      id: 'uncalibrated-shortfall',
      exit: b1.name,
      threshold: t.minKept,
      value: s.shortfalls.length,
      met: s.shortfalls.length > 0,
      ...(worst ? { worst } : {}),
      examined: s.examined,
    },
  ];
}
