import type { ComparisonFacts } from './comparisons';
import type { ExitRecords } from '../records/types';
import type { Fallback } from '../cascade/runCascade';
import {
  pairedBootstrap,
  column,
  indexOfPoint,
  type PairedBootstrap,
  type PartitionReplicates,
  type SideResult,
} from './stats/pairedBootstrap';
import {
  judgePoints,
  describe,
  type DeltaEstimate,
  type Direction,
  type PointSample,
  type Verdict,
} from './stats/deltaVerdict';
import { simultaneousBand } from './stats/simultaneousBand';
import { mergePointBootstraps } from './stats/mergePoints';
import type { RefitKeys } from './stats/refitKeys';
import type { VerdictSettings } from './stats/verdictSettings';

/** Why a claim holds by construction, as data (report/ words it): stated, never counted as evidence. */
export type Construction =
  | { kind: 'device-temperatures-above-one'; k: number }
  | { kind: 'device-confidences-lowered'; k: number }
  | { kind: 'second-side-branch-subset' };

/**
 * What the report needs to state an offloading claim and its finding besides the estimates:
 * numbers and the method's label, no sentences (those are written in `report/claimText.ts`).
 * Where a claim's estimates are several groups, the counts say where each ends.
 */
export type ClaimFacts =
  | { topic: 'uncalibrated-below-target'; k: number }
  | {
      topic: 'calibrated-tracks-target';
      k: number;
      label: string;
      used: number;
      minDeviceSamples: number;
      minEffect: number;
      /** Simultaneous level of each of the two bands (uncalibrated, calibrated), and of the pair together (Bonferroni: ≥ 1 − 2·(1 − level)). */
      level: number;
      jointLevel: number;
      /** p_tar where the uncalibrated band is below p_tar; there the calibrated band meets p_tar − δ; where the calibrated band misses it. */
      fails: number[];
      met: number[];
      missed: number[];
      /** The first `bands` estimates are the calibrated band's gaps to p_tar; the rest are Δ on-device accuracy (not judged). */
      bands: number;
    }
  | {
      topic: 'offloading-probability';
      k: number;
      label: string;
      /** The first `judged` estimates are Δ P_off; the rest Δ overall accuracy (not judged). */ judged: number;
    }
  | {
      topic: 'outage';
      k: number;
      label: string;
      batchSize: number;
      minEffect: number;
      levels: Array<{ at: number; uncalibrated: number; calibrated: number }>;
      /** Points where both outage probabilities are below the minimum effect. */
      bothZero: number[];
    }
  | {
      topic: 'missed-deadline';
      k: number;
      label: string;
      deadlinePTar: number;
      uncalibrated: number;
      calibrated: number;
    }
  | {
      topic: 'second-side-branch';
      label: string;
      /** Estimates: `judged` uncalibrated Δ P_off, `judged` calibrated, then Δ overall accuracy. */ judged: number;
    };

/**
 * A claim judged against the computation: its id (`k{K}-{topic}`, optionally `:method`; parsed
 * by `parseClaimId`), verdict and the estimates behind it, plus the facts the report words it
 * from. Claims built with their words already (the comparisons, claims read from an older
 * report) carry `claim`, `finding` and `byConstruction` as text instead of `facts`.
 */
export interface Claim {
  id: string;
  verdict: Verdict;
  /** The estimates behind the verdict (and descriptive ones, verdict null). */
  estimates: DeltaEstimate[];
  facts?: ClaimFacts;
  /** Set when the claim holds by construction. */
  construction?: Construction;
  /** A comparison with a published table (BranchyNet, Guo et al.): what it measured, as data. */
  comparison?: ComparisonFacts;
  /** The claim in words, for claims read from a report written before claims carried their data. */
  claim?: string;
  /** What was measured, in words (Markdown), for claims read from such a report. */
  finding?: string;
  /** Why it holds by construction, in words, for claims built with their text. */
  byConstruction?: string;
}

/** What the offloading claims are computed from. */
export interface OffloadingClaimsInput {
  val: ExitRecords;
  test: ExitRecords;
  /** The calibrated side, refitted per replicate. */
  refit: RefitKeys;
  /** When set, the calibration is refitted at each judged p_tar (the authors' offline figures): the refit of p_tar x. */
  refitAt?: (pTar: number) => RefitKeys;
  /** Display label of the calibration (e.g. "TS per exit"). */
  label: string;
  /** Suffix of the claim ids (e.g. ":global"); '' for the report's main method. */
  idSuffix: string;
  /** Fitted temperature of each exit on the whole validation split, when the method is a temperature scaling. */
  temperatures: (number | null)[] | null;
  edgeExits: readonly number[];
  fallback: Fallback;
  pTarGrid: readonly number[];
  batchSize: number;
  /** Rounds and seed of the batch metrics' point estimates (the report's shuffles). */
  rounds: number;
  roundSeed: number;
  deadlinePTar: number;
  settings: VerdictSettings;
  /** Hears the bootstrap's replicates done (see `pairedBootstrap`). */
  progress?: (done: number, total: number) => void;
}

const shift = (x: Float64Array, c: number) => x.map((v) => v - c);
const minus = (a: Float64Array, b: Float64Array) => a.map((v, i) => v - b[i]);

type CurveName = 'offload' | 'device' | 'overall';
type BatchName = 'outage' | 'accuracyMiss';

/** Δ = (a − b) of a sweep curve at p_tar x, with its replicates (paired: same replicate index). */
function curveDelta(bs: PairedBootstrap, a: SideResult, b: SideResult, name: CurveName, x: number): PointSample {
  const G = bs.grid.length;
  const g = indexOfPoint(bs.grid, x, 'sweep grid');
  return {
    at: x,
    estimate: a.point[name][g] - b.point[name][g],
    replicates: minus(column(a.reps[name], G, g), column(b.reps[name], G, g)),
  };
}

function batchDelta(bs: PairedBootstrap, a: SideResult, b: SideResult, name: BatchName, x: number): PointSample {
  const P = bs.batchPoints.length;
  const j = indexOfPoint(bs.batchPoints, x, 'batch points');
  return {
    at: x,
    estimate: a.point[name][j] - b.point[name][j],
    replicates: minus(column(a.reps[name], P, j), column(b.reps[name], P, j)),
  };
}

function judge(
  points: PointSample[],
  quantity: string,
  direction: Direction,
  s: VerdictSettings,
  combine: 'consistent' | 'exists' = 'consistent',
) {
  return judgePoints(points, { quantity, direction, minEffect: s.minEffect, alpha: s.alpha, combine });
}

/** "Without calibration, on-device accuracy falls below p_tar": gap Acc_dev − p_tar at the pre-registered points. */
function uncalibratedBelow(bs: PairedBootstrap, p: PartitionReplicates, s: VerdictSettings, id: string): Claim {
  const G = bs.grid.length;
  const k = p.edgeExits;
  const pts = s.points.map((x): PointSample => {
    const g = indexOfPoint(bs.grid, x, 'sweep grid');
    return {
      at: x,
      estimate: p.uncalibrated.point.device[g] - x,
      replicates: shift(column(p.uncalibrated.reps.device, G, g), x),
    };
  });
  const j = judge(pts, 'on-device accuracy − p_tar (uncalibrated)', 'lower', s, 'exists');
  return {
    id: `k${k}-uncalibrated-below-target${id}`,
    verdict: j.verdict,
    estimates: j.estimates,
    facts: { topic: 'uncalibrated-below-target', k },
  };
}

/**
 * "With calibration the device meets p_tar", credited to calibration only where the uncalibrated
 * curve fails: a simultaneous band over the grid for each side (points where both sides keep
 * enough samples), each at 1 − α/2 so that the pair holds jointly at ≥ 1 − α;
 * supported where the uncalibrated upper band is below p_tar and the calibrated lower band is
 * ≥ p_tar − δ; contradicted where the calibrated upper band is below p_tar − δ.
 */
function calibratedTracks(
  bs: PairedBootstrap,
  p: PartitionReplicates,
  s: VerdictSettings,
  label: string,
  id: string,
): Claim {
  const G = bs.grid.length;
  const B = bs.replicates;
  const k = p.edgeExits;
  const un = p.uncalibrated;
  const cal = p.calibrated;
  const use = bs.grid.map((_, g) => {
    if (un.point.deviceCount[g] < s.minDeviceSamples || cal.point.deviceCount[g] < s.minDeviceSamples) return false;
    for (let r = 0; r < B; r++)
      if (!Number.isFinite(un.reps.device[r * G + g]) || !Number.isFinite(cal.reps.device[r * G + g])) return false;
    return true;
  });
  // The verdict joins two bands, so each is built at 1 − α/2: by Bonferroni both hold together with
  // probability ≥ 1 − α, the level the claim states (two bands at 1 − α each would only give 1 − 2α).
  const level = 1 - s.alpha / 2;
  const ub = simultaneousBand(un.point.device, un.reps.device, B, use, level);
  const cb = simultaneousBand(cal.point.device, cal.reps.device, B, use, level);
  const fails: number[] = [];
  const met: number[] = [];
  const missed: number[] = [];
  bs.grid.forEach((x, g) => {
    if (!use[g]) return;
    if (ub.high[g] < x) {
      fails.push(x);
      if (cb.low[g] >= x - s.minEffect) met.push(x);
    }
    if (cb.high[g] < x - s.minEffect) missed.push(x);
  });
  const verdict: Verdict =
    met.length > 0 && missed.length === 0
      ? 'supported'
      : missed.length > 0 && met.length === 0
        ? 'contradicted'
        : 'inconclusive';
  const estimates = s.points.map((x): DeltaEstimate => {
    const g = indexOfPoint(bs.grid, x, 'sweep grid');
    return {
      quantity: `on-device accuracy − p_tar (${label})`,
      at: x,
      estimate: cal.point.device[g] - x,
      low: use[g] ? cb.low[g] - x : null,
      high: use[g] ? cb.high[g] - x : null,
      level,
      verdict: null,
    };
  });
  const pointLevel = 1 - s.alpha / s.points.length;
  const dAcc = s.points.map((x) =>
    describe(`Δ on-device accuracy (${label} − uncalibrated)`, curveDelta(bs, cal, un, 'device', x), pointLevel),
  );
  const used = use.filter(Boolean).length;
  return {
    id: `k${k}-calibrated-tracks-target${id}`,
    verdict,
    estimates: [...estimates, ...dAcc],
    facts: {
      topic: 'calibrated-tracks-target',
      k,
      label,
      level,
      jointLevel: 1 - s.alpha,
      used,
      minDeviceSamples: s.minDeviceSamples,
      minEffect: s.minEffect,
      fails,
      met,
      missed,
      bands: estimates.length,
    },
  };
}

/** The fitted temperatures of device exits 1…k are all > 1, so every device confidence shrinks. */
function allDeviceTemperaturesAboveOne(temps: (number | null)[] | null, k: number): boolean {
  return temps !== null && temps.slice(0, k).every((t) => t !== null && t > 1);
}

/**
 * "Calibration offloads more" holds by construction only when its premise holds under the same
 * resampling as the verdict: every device confidence lowered in the fit and in every replicate's
 * refit. For a temperature scaling the reason is then its temperatures (> 1 on the whole split);
 * for any other method, the lowered confidences themselves.
 */
function constructionOfOffloading(
  temps: (number | null)[] | null,
  p: PartitionReplicates,
): { construction?: Construction } {
  if (!p.deviceConfidencesLowered) return {};
  const k = p.edgeExits;
  if (allDeviceTemperaturesAboveOne(temps, k)) return { construction: { kind: 'device-temperatures-above-one', k } };
  return temps === null || temps.slice(0, k).every((t) => t === null)
    ? { construction: { kind: 'device-confidences-lowered', k } }
    : {};
}

/**
 * The verdicts of the paper's offloading claims for one calibration, all from one paired bootstrap
 * (see `pairedBootstrap`): for each k, uncalibrated below target, calibrated tracks target,
 * offloading probability, outage and missed deadline; then the second side branch (k = 2 − k = 1).
 */
export function offloadingClaims(input: OffloadingClaimsInput): Claim[] {
  const s = input.settings;
  const batchPoints = [...new Set([...s.points, input.deadlinePTar])];
  const common = {
    val: input.val,
    test: input.test,
    edgeExits: input.edgeExits,
    fallback: input.fallback,
    batchSize: input.batchSize,
    replicates: s.replicates,
    seed: s.seed,
    shufflesPerReplicate: s.shufflesPerReplicate,
    pointRounds: input.rounds,
    pointSeed: input.roundSeed,
    ...(input.progress ? { progress: input.progress } : {}),
  };
  // Refit per p_tar: one run per judged point with the calibration fitted at that point; the
  // simultaneous band of "meets p_tar" then covers those points only.
  const refitAt = input.refitAt;
  const bs = refitAt
    ? mergePointBootstraps(
        batchPoints.map((x) => pairedBootstrap({ ...common, refit: refitAt(x), grid: [x], batchPoints: [x] })),
      )
    : pairedBootstrap({
        ...common,
        refit: input.refit,
        grid: [...new Set([...input.pTarGrid, ...s.points])],
        batchPoints,
      });
  const L = input.label;
  const id = input.idSuffix;
  const claims: Claim[] = [];
  const level = 1 - s.alpha / s.points.length;
  for (const p of bs.partitions) {
    const k = p.edgeExits;
    claims.push(uncalibratedBelow(bs, p, s, id), calibratedTracks(bs, p, s, L, id));
    const off = judge(
      s.points.map((x) => curveDelta(bs, p.calibrated, p.uncalibrated, 'offload', x)),
      `Δ P_off (${L} − uncalibrated)`,
      'higher',
      s,
    );
    const acc = s.points.map((x) =>
      describe(
        `Δ overall accuracy (${L} − uncalibrated)`,
        curveDelta(bs, p.calibrated, p.uncalibrated, 'overall', x),
        level,
      ),
    );
    claims.push({
      id: `k${k}-offloading-probability${id}`,
      verdict: off.verdict,
      estimates: [...off.estimates, ...acc],
      facts: { topic: 'offloading-probability', k, label: L, judged: off.estimates.length },
      ...constructionOfOffloading(input.temperatures, p),
    });
    const out = judge(
      s.points.map((x) => batchDelta(bs, p.calibrated, p.uncalibrated, 'outage', x)),
      `Δ outage probability (${L} − uncalibrated)`,
      'lower',
      s,
    );
    const j = (x: number) => indexOfPoint(bs.batchPoints, x, 'batch points');
    const levels = s.points.map((x) => ({
      at: x,
      uncalibrated: p.uncalibrated.point.outage[j(x)],
      calibrated: p.calibrated.point.outage[j(x)],
    }));
    const bothZero = s.points.filter(
      (x) => p.uncalibrated.point.outage[j(x)] < s.minEffect && p.calibrated.point.outage[j(x)] < s.minEffect,
    );
    claims.push({
      id: `k${k}-outage${id}`,
      verdict: out.verdict,
      estimates: out.estimates,
      facts: { topic: 'outage', k, label: L, batchSize: input.batchSize, minEffect: s.minEffect, levels, bothZero },
    });
    const dl = judge(
      [batchDelta(bs, p.calibrated, p.uncalibrated, 'accuracyMiss', input.deadlinePTar)],
      `Δ missed-deadline plateau (${L} − uncalibrated)`,
      'lower',
      s,
    );
    const jd = j(input.deadlinePTar);
    claims.push({
      id: `k${k}-missed-deadline${id}`,
      verdict: dl.verdict,
      estimates: dl.estimates,
      facts: {
        topic: 'missed-deadline',
        k,
        label: L,
        deadlinePTar: input.deadlinePTar,
        uncalibrated: p.uncalibrated.point.accuracyMiss[jd],
        calibrated: p.calibrated.point.accuracyMiss[jd],
      },
    });
  }
  if (bs.partitions.length >= 2) {
    const [one, two] = bs.partitions;
    const un = judge(
      s.points.map((x) => curveDelta(bs, two.uncalibrated, one.uncalibrated, 'offload', x)),
      'Δ P_off (k = 2 − k = 1, uncalibrated)',
      'lower',
      s,
    );
    const ca = judge(
      s.points.map((x) => curveDelta(bs, two.calibrated, one.calibrated, 'offload', x)),
      `Δ P_off (k = 2 − k = 1, ${L})`,
      'lower',
      s,
    );
    const acc = s.points.map((x) =>
      describe(
        `Δ overall accuracy (k = 2 − k = 1, ${L})`,
        curveDelta(bs, two.calibrated, one.calibrated, 'overall', x),
        level,
      ),
    );
    claims.push({
      id: `second-side-branch${id}`,
      verdict: un.verdict === ca.verdict ? un.verdict : 'inconclusive',
      estimates: [...un.estimates, ...ca.estimates, ...acc],
      facts: { topic: 'second-side-branch', label: L, judged: un.estimates.length },
      construction: { kind: 'second-side-branch-subset' },
    });
  }
  return claims;
}
