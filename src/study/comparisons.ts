import type { ExitRecords } from '../records/types';
import type { CalibrationFile } from '../calibration/index';
import { scoreRecords } from '../calibration/index';
import { entropyScores } from '../offloading/entropyPolicy';
import { quantileSorted } from '../metrics/bootstrap';
import { ece } from '../metrics/calibrationError';
import { createRng } from '../util/rng';
import { eceFloor, eceInterval } from './stats/eceFloor';
import type { Verdict } from './stats/deltaVerdict';
import type { VerdictSettings } from './stats/verdictSettings';
import { BRANCHYNET_TABLE1, GUO_TABLE1_CIFAR10 } from './references';
import type { Claim } from './offloadingClaims';

/**
 * What a comparison with a published table measured, as data (src/report/comparisonText.ts words it):
 * BranchyNet's Table I (accuracy and exit shares under its entropy rule) or Guo et al.'s Table 1 (ECE
 * before and after temperature scaling).
 */
export type ComparisonFacts =
  | {
      topic: 'branchynet-table-1';
      architecture: string;
      exits: number;
      comparable: boolean;
      entropyThresholds: number[];
      /** Accuracy, then each exit's share: eecal's value, its 95 % interval, BranchyNet's value, the verdict. */
      quantities: Array<{
        name: string;
        value: number;
        low: number;
        high: number;
        reference: number | null;
        verdict: Verdict | null;
      }>;
    }
  | {
      topic: 'guo-table-1';
      bins: number;
      samples: number;
      dataset: string;
      cifar: boolean;
      minEffect: number;
      eceBefore: number;
      eceBeforeLow: number;
      eceBeforeHigh: number;
      verdictBefore: Verdict;
      eceAfter: number;
      floorMean: number;
      floorQ95: number;
      floorSimulations: number;
      bar: number;
      verdictAfter: Verdict;
    };

/** Tolerances fixed before comparing (written in the report): accuracy ±5 pp, each exit share ±10 pp. */
export const BRANCHYNET_TOLERANCE = { accuracy: 0.05, exitShare: 0.1 } as const;

/** Per sample: the exit BranchyNet's rule picks (entropy < τ_e at the first side branch e that allows it, else final). */
export function branchyNetExits(test: ExitRecords, taus: readonly number[]): Int32Array {
  const s = entropyScores(test);
  const E = test.numExits;
  const out = new Int32Array(test.numSamples).fill(E - 1);
  for (let i = 0; i < test.numSamples; i++) {
    for (let e = 0; e < Math.min(taus.length, E - 1); e++) {
      if (s.entropy[e][i] < taus[e]) {
        out[i] = e;
        break;
      }
    }
  }
  return out;
}

/** Verdict of "value within ref ± tol" from a 95 % interval: inside → supported, disjoint → contradicted. */
export function toleranceVerdict(low: number, high: number, ref: number, tol: number): Verdict {
  if (low >= ref - tol && high <= ref + tol) return 'supported';
  if (high < ref - tol || low > ref + tol) return 'contradicted';
  return 'inconclusive';
}

/**
 * BranchyNet Table I: B-AlexNet's accuracy and its exit split at the entropy thresholds (0.0001,
 * 0.05; one per side branch), with tolerances fixed in advance; each quantity with a percentile
 * bootstrap 95 % interval over test resamples.
 */
export function branchyNetComparison(test: ExitRecords, architecture: string, s: VerdictSettings): Claim {
  const taus = BRANCHYNET_TABLE1.bAlexnetEntropyThresholds;
  const exits = branchyNetExits(test, taus);
  const pred = entropyScores(test).prediction;
  const n = test.numSamples;
  const E = test.numExits;
  const ok = Uint8Array.from(exits, (e, i) => (pred[e][i] === test.labels[i] ? 1 : 0));
  const stats = (idx: (i: number) => number): number[] => {
    const share = new Array<number>(E).fill(0);
    let right = 0;
    for (let r = 0; r < n; r++) {
      const i = idx(r);
      share[exits[i]] += 1 / n;
      right += ok[i];
    }
    return [right / n, ...share];
  };
  const point = stats((i) => i);
  const rng = createRng(s.seed);
  const reps = Array.from({ length: s.replicates }, () => stats(() => rng.int(n)));
  const ci = point.map((_, q) => {
    const v = Float64Array.from(reps, (r) => r[q]).sort();
    return [quantileSorted(v, 0.025), quantileSorted(v, 0.975)] as [number, number];
  });
  const refs = [BRANCHYNET_TABLE1.bAlexnetAccuracy, ...BRANCHYNET_TABLE1.bAlexnetExitFractions];
  // refs holds the accuracy first and then one share per exit: compare the exits with the shares only.
  const comparable = E === BRANCHYNET_TABLE1.bAlexnetExitFractions.length;
  const names = [
    'accuracy',
    ...Array.from({ length: E }, (_, e) => (e === E - 1 ? 'final share' : `branch ${e + 1} share`)),
  ];
  const estimates = point.map((v, q) => {
    const tol = q === 0 ? BRANCHYNET_TOLERANCE.accuracy : BRANCHYNET_TOLERANCE.exitShare;
    return {
      quantity: `${names[q]} − BranchyNet`,
      at: null,
      estimate: comparable ? v - refs[q] : v,
      low: comparable ? ci[q][0] - refs[q] : ci[q][0],
      high: comparable ? ci[q][1] - refs[q] : ci[q][1],
      level: 0.95,
      verdict: comparable ? toleranceVerdict(ci[q][0], ci[q][1], refs[q], tol) : null,
    };
  });
  const vs = estimates.map((e) => e.verdict);
  const verdict: Verdict = !comparable
    ? 'inconclusive'
    : vs.every((v) => v === 'supported')
      ? 'supported'
      : vs.includes('contradicted')
        ? 'contradicted'
        : 'inconclusive';
  return {
    id: 'branchynet-table-1',
    comparison: {
      topic: 'branchynet-table-1',
      architecture,
      exits: E,
      comparable,
      entropyThresholds: [...taus],
      quantities: point.map((v, q) => ({
        name: names[q],
        value: v,
        low: ci[q][0],
        high: ci[q][1],
        reference: comparable ? refs[q] : null,
        verdict: estimates[q].verdict,
      })),
    },
    verdict,
    estimates,
  };
}

/**
 * Guo et al. Table 1: final-exit ECE before TS against their 3–5 % (interval inside the range
 * widened by the minimum effect → supported, disjoint → contradicted), and after TS against the
 * bar max(1 %, finite-sample floor): the 95th percentile of the ECE a perfectly calibrated model
 * with these confidences would show on this many samples.
 */
export function guoComparison(
  test: ExitRecords,
  ts: CalibrationFile | undefined,
  dataset: string,
  bins: number,
  s: VerdictSettings,
): Claim | null {
  if (!ts) return null;
  const f = test.numExits - 1;
  const tl = (file?: CalibrationFile) => {
    const sc = scoreRecords(test, file)[f];
    const correct = Uint8Array.from(sc.prediction, (p, i) => (p === test.labels[i] ? 1 : 0));
    return { conf: Float64Array.from(sc.confidence), correct };
  };
  const before = tl();
  const after = tl(ts);
  const eb = ece(before.conf, before.correct, { bins });
  const ea = ece(after.conf, after.correct, { bins });
  const [bl, bh] = eceInterval(before.conf, before.correct, bins, s.replicates, s.seed);
  const floor = eceFloor(after.conf, bins, s.floorSimulations, s.seed + 1);
  const [lo, hi] = GUO_TABLE1_CIFAR10.uncalibratedRange;
  const bar = Math.max(GUO_TABLE1_CIFAR10.temperatureBelow, floor.q95);
  const vBefore: Verdict =
    bl >= lo - s.minEffect && bh <= hi + s.minEffect
      ? 'supported'
      : bh < lo - s.minEffect || bl > hi + s.minEffect
        ? 'contradicted'
        : 'inconclusive';
  const vAfter: Verdict = ea <= bar ? 'supported' : ea > bar + s.minEffect ? 'contradicted' : 'inconclusive';
  const cifar = dataset.toLowerCase().includes('cifar');
  const verdict: Verdict = !cifar
    ? 'inconclusive'
    : vBefore === 'supported' && vAfter === 'supported'
      ? 'supported'
      : vBefore === 'contradicted' || vAfter === 'contradicted'
        ? 'contradicted'
        : 'inconclusive';
  return {
    id: 'guo-table-1',
    comparison: {
      topic: 'guo-table-1',
      bins,
      samples: test.numSamples,
      dataset,
      cifar,
      minEffect: s.minEffect,
      eceBefore: eb,
      eceBeforeLow: bl,
      eceBeforeHigh: bh,
      verdictBefore: vBefore,
      eceAfter: ea,
      floorMean: floor.mean,
      floorQ95: floor.q95,
      floorSimulations: s.floorSimulations,
      bar,
      verdictAfter: vAfter,
    },
    verdict,
    estimates: [
      {
        quantity: 'ECE before TS (final exit)',
        at: null,
        estimate: eb,
        low: bl,
        high: bh,
        level: 0.95,
        verdict: vBefore,
      },
      {
        quantity: 'ECE after TS − bar (final exit)',
        at: null,
        estimate: ea - bar,
        low: null,
        high: null,
        level: 0.95,
        verdict: vAfter,
      },
    ],
  };
}
