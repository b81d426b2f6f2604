import type { ExitRecords } from '../records/types';
import type { Fallback } from '../cascade/runCascade';
import { pairedBootstrap, column, indexOfPoint, type PairedBootstrap, type PartitionReplicates, type SideResult } from './stats/pairedBootstrap';
import { judgePoints, describe, type DeltaEstimate, type Direction, type PointSample, type Verdict } from './stats/deltaVerdict';
import { simultaneousBand } from './stats/simultaneousBand';
import { mergePointBootstraps } from './stats/mergePoints';
import type { RefitKeys } from './stats/refitKeys';
import type { VerdictSettings } from './stats/verdictSettings';
import { fmtPp } from '../util/tableFormat';

/** A claim of the paper judged against the computation (the `report.json` contract). */
export interface Claim {
  /** `k{K}-{topic}` (topics: uncalibrated-below-target, calibrated-tracks-target, offloading-probability, outage, missed-deadline), optionally `:method`. */
  id: string;
  /** The paper's claim, in words. */
  claim: string;
  /** What eecal measured: Δ with its interval at each point (Markdown). */
  finding: string;
  verdict: Verdict;
  /** The estimates behind the verdict (and descriptive ones, verdict null). */
  estimates: DeltaEstimate[];
  /** Set when the claim holds by construction (why): stated, never counted as evidence. */
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

const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? 'n/a' : `${(100 * v).toFixed(1)}%`);
const pp = (v: number | null) => (v === null || !Number.isFinite(v) ? 'n/a' : fmtPp(v));

/** "p_tar 0.70: Δ −1.2 pp [−2.0, −0.4], supported" for each estimate. */
export function estimatesText(es: readonly DeltaEstimate[], what = 'p_tar'): string {
  return es.map((e) => `${e.at === null ? '' : `${what} ${e.at.toFixed(2)}: `}${pp(e.estimate)} [${pp(e.low)}, ${pp(e.high)}]${e.verdict ? `, ${e.verdict}` : ''}${e.note ? ` (${e.note})` : ''}`).join('; ');
}

const shift = (x: Float64Array, c: number) => x.map((v) => v - c);
const minus = (a: Float64Array, b: Float64Array) => a.map((v, i) => v - b[i]);

type CurveName = 'offload' | 'device' | 'overall';
type BatchName = 'outage' | 'accuracyMiss';

/** Δ = (a − b) of a sweep curve at p_tar x, with its replicates (paired: same replicate index). */
function curveDelta(bs: PairedBootstrap, a: SideResult, b: SideResult, name: CurveName, x: number): PointSample {
  const G = bs.grid.length;
  const g = indexOfPoint(bs.grid, x, 'sweep grid');
  return { at: x, estimate: a.point[name][g] - b.point[name][g], replicates: minus(column(a.reps[name], G, g), column(b.reps[name], G, g)) };
}

function batchDelta(bs: PairedBootstrap, a: SideResult, b: SideResult, name: BatchName, x: number): PointSample {
  const P = bs.batchPoints.length;
  const j = indexOfPoint(bs.batchPoints, x, 'batch points');
  return { at: x, estimate: a.point[name][j] - b.point[name][j], replicates: minus(column(a.reps[name], P, j), column(b.reps[name], P, j)) };
}

function judge(points: PointSample[], quantity: string, direction: Direction, s: VerdictSettings, combine: 'consistent' | 'exists' = 'consistent') {
  return judgePoints(points, { quantity, direction, minEffect: s.minEffect, alpha: s.alpha, combine });
}

/** "Without calibration, on-device accuracy falls below p_tar": gap Acc_dev − p_tar at the pre-registered points. */
function uncalibratedBelow(bs: PairedBootstrap, p: PartitionReplicates, s: VerdictSettings, id: string): Claim {
  const G = bs.grid.length;
  const k = p.edgeExits;
  const pts = s.points.map((x): PointSample => {
    const g = indexOfPoint(bs.grid, x, 'sweep grid');
    return { at: x, estimate: p.uncalibrated.point.device[g] - x, replicates: shift(column(p.uncalibrated.reps.device, G, g), x) };
  });
  const j = judge(pts, 'on-device accuracy − p_tar (uncalibrated)', 'lower', s, 'exists');
  return {
    id: `k${k}-uncalibrated-below-target${id}`,
    claim: `Without calibration, the on-device accuracy falls below the target p_tar (k = ${k}).`,
    finding: `Uncalibrated on-device accuracy − p_tar: ${estimatesText(j.estimates)}.`,
    verdict: j.verdict,
    estimates: j.estimates,
  };
}

/**
 * "With calibration the device meets p_tar", credited to calibration only where the uncalibrated
 * curve fails: simultaneous bands over the grid (points where both sides keep enough samples);
 * supported where the uncalibrated upper band is below p_tar and the calibrated lower band is
 * ≥ p_tar − δ; contradicted where the calibrated upper band is below p_tar − δ.
 */
function calibratedTracks(bs: PairedBootstrap, p: PartitionReplicates, s: VerdictSettings, label: string, id: string): Claim {
  const G = bs.grid.length;
  const B = bs.replicates;
  const k = p.edgeExits;
  const un = p.uncalibrated;
  const cal = p.calibrated;
  const use = bs.grid.map((_, g) => {
    if (un.point.deviceCount[g] < s.minDeviceSamples || cal.point.deviceCount[g] < s.minDeviceSamples) return false;
    for (let r = 0; r < B; r++) if (!Number.isFinite(un.reps.device[r * G + g]) || !Number.isFinite(cal.reps.device[r * G + g])) return false;
    return true;
  });
  const level = 1 - s.alpha;
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
  const verdict: Verdict = met.length > 0 && missed.length === 0 ? 'supported' : missed.length > 0 && met.length === 0 ? 'contradicted' : 'inconclusive';
  const estimates = s.points.map((x): DeltaEstimate => {
    const g = indexOfPoint(bs.grid, x, 'sweep grid');
    return { quantity: `on-device accuracy − p_tar (${label})`, at: x, estimate: cal.point.device[g] - x, low: use[g] ? cb.low[g] - x : null, high: use[g] ? cb.high[g] - x : null, level, verdict: null };
  });
  const pointLevel = 1 - s.alpha / s.points.length;
  const dAcc = s.points.map((x) => describe(`Δ on-device accuracy (${label} − uncalibrated)`, curveDelta(bs, cal, un, 'device', x), pointLevel));
  const used = use.filter(Boolean).length;
  const list = (v: number[]) => (v.length ? v.map((x) => x.toFixed(2)).join(', ') : 'none');
  return {
    id: `k${k}-calibrated-tracks-target${id}`,
    claim: `With ${label}, the on-device accuracy meets p_tar where the uncalibrated device misses it (k = ${k}).`,
    finding: `Simultaneous ${Math.round(100 * level)}% bands over the ${used} grid points where both keep ≥ ${s.minDeviceSamples} test samples on the device. ` +
      `Uncalibrated significantly below p_tar at: ${list(fails)}; there ${label} is within ${fmtPp(s.minEffect).replace('−', '')} of p_tar or above at: ${list(met)}. ` +
      `${label} significantly more than ${fmtPp(s.minEffect).replace('−', '')} below p_tar at: ${list(missed)}.` +
      (fails.length === 0 ? ' The uncalibrated curve does not significantly miss p_tar anywhere, so calibration gets no credit for meeting it.' : '') +
      ` ${label} on-device accuracy − p_tar (simultaneous band): ${estimatesText(estimates)}. Δ on-device accuracy (${label} − uncalibrated, not judged): ${estimatesText(dAcc)}.`,
    verdict,
    estimates: [...estimates, ...dAcc],
  };
}

/** The fitted temperatures of device exits 1…k are all > 1, so every device confidence shrinks. */
function allDeviceTemperaturesAboveOne(temps: (number | null)[] | null, k: number): boolean {
  return temps !== null && temps.slice(0, k).every((t) => t !== null && t > 1);
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
    val: input.val, test: input.test, edgeExits: input.edgeExits, fallback: input.fallback, batchSize: input.batchSize, replicates: s.replicates, seed: s.seed,
    shufflesPerReplicate: s.shufflesPerReplicate, pointRounds: input.rounds, pointSeed: input.roundSeed,
    ...(input.progress ? { progress: input.progress } : {}),
  };
  // Refit per p_tar: one run per judged point with the calibration fitted at that point; the
  // simultaneous band of "meets p_tar" then covers those points only.
  const refitAt = input.refitAt;
  const bs = refitAt
    ? mergePointBootstraps(batchPoints.map((x) => pairedBootstrap({ ...common, refit: refitAt(x), grid: [x], batchPoints: [x] })))
    : pairedBootstrap({ ...common, refit: input.refit, grid: [...new Set([...input.pTarGrid, ...s.points])], batchPoints });
  const L = input.label;
  const id = input.idSuffix;
  const claims: Claim[] = [];
  const level = 1 - s.alpha / s.points.length;
  for (const p of bs.partitions) {
    const k = p.edgeExits;
    claims.push(uncalibratedBelow(bs, p, s, id), calibratedTracks(bs, p, s, L, id));
    const off = judge(s.points.map((x) => curveDelta(bs, p.calibrated, p.uncalibrated, 'offload', x)), `Δ P_off (${L} − uncalibrated)`, 'higher', s);
    const acc = s.points.map((x) => describe(`Δ overall accuracy (${L} − uncalibrated)`, curveDelta(bs, p.calibrated, p.uncalibrated, 'overall', x), level));
    const construct = allDeviceTemperaturesAboveOne(input.temperatures, k)
      ? `every fitted temperature of device exits 1…${k} is > 1, which lowers every device confidence, so P_off cannot fall at any p_tar`
      : undefined;
    claims.push({
      id: `k${k}-offloading-probability${id}`,
      claim: `Calibration makes the device offload more (its confidences shrink), the price of meeting p_tar (k = ${k}).`,
      finding: `Δ P_off (${L} − uncalibrated): ${estimatesText(off.estimates)}. Δ overall accuracy (not judged): ${estimatesText(acc)}.`,
      verdict: off.verdict,
      estimates: [...off.estimates, ...acc],
      ...(construct ? { byConstruction: construct } : {}),
    });
    const out = judge(s.points.map((x) => batchDelta(bs, p.calibrated, p.uncalibrated, 'outage', x)), `Δ outage probability (${L} − uncalibrated)`, 'lower', s);
    const j = (x: number) => indexOfPoint(bs.batchPoints, x, 'batch points');
    const levels = s.points.map((x) => `${x.toFixed(2)}: ${p.uncalibrated.point.outage[j(x)].toFixed(3)} → ${p.calibrated.point.outage[j(x)].toFixed(3)}`);
    const bothZero = s.points.filter((x) => p.uncalibrated.point.outage[j(x)] < s.minEffect && p.calibrated.point.outage[j(x)] < s.minEffect);
    claims.push({
      id: `k${k}-outage${id}`,
      claim: `Calibration lowers the inference outage probability P[Acc_device(batch) < p_tar] (k = ${k}).`,
      finding: `Outage probability over full batches of ${input.batchSize} (uncalibrated → ${L}) at p_tar ${levels.join(', ')}. Δ (${L} − uncalibrated): ${estimatesText(out.estimates)}.` +
        (bothZero.length ? ` At p_tar ${bothZero.map((x) => x.toFixed(2)).join(', ')} both are ≈ 0 (below ${fmtPp(s.minEffect).replace('−', '')}): nothing to lower there.` : ''),
      verdict: out.verdict,
      estimates: out.estimates,
    });
    const dl = judge([batchDelta(bs, p.calibrated, p.uncalibrated, 'accuracyMiss', input.deadlinePTar)], `Δ missed-deadline plateau (${L} − uncalibrated)`, 'lower', s);
    const jd = j(input.deadlinePTar);
    claims.push({
      id: `k${k}-missed-deadline${id}`,
      claim: `Calibration lowers the probability of missing the deadline once the deadline covers the offloading latency (k = ${k}).`,
      finding: `Plateau of the missed-deadline curve at p_tar = ${input.deadlinePTar} (a full batch misses when its overall accuracy is below p_tar): ${p.uncalibrated.point.accuracyMiss[jd].toFixed(4)} (uncalibrated) → ${p.calibrated.point.accuracyMiss[jd].toFixed(4)} (${L}); Δ ${estimatesText(dl.estimates)}.`,
      verdict: dl.verdict,
      estimates: dl.estimates,
    });
  }
  if (bs.partitions.length >= 2) {
    const [one, two] = bs.partitions;
    const un = judge(s.points.map((x) => curveDelta(bs, two.uncalibrated, one.uncalibrated, 'offload', x)), 'Δ P_off (k = 2 − k = 1, uncalibrated)', 'lower', s);
    const ca = judge(s.points.map((x) => curveDelta(bs, two.calibrated, one.calibrated, 'offload', x)), `Δ P_off (k = 2 − k = 1, ${L})`, 'lower', s);
    const acc = s.points.map((x) => describe(`Δ overall accuracy (k = 2 − k = 1, ${L})`, curveDelta(bs, two.calibrated, one.calibrated, 'overall', x), level));
    claims.push({
      id: `second-side-branch${id}`,
      claim: 'A second side branch on the device keeps more samples on the device (less offloading) at the same p_tar.',
      finding: `Δ P_off (k = 2 − k = 1), uncalibrated: ${estimatesText(un.estimates)}; ${L}: ${estimatesText(ca.estimates)}. Δ overall accuracy, ${L} (not judged): ${estimatesText(acc)}.`,
      verdict: un.verdict === ca.verdict ? un.verdict : 'inconclusive',
      estimates: [...un.estimates, ...ca.estimates, ...acc],
      byConstruction: 'with the same p_tar a second device exit can only answer samples the first one offloaded, so P_off cannot grow',
    });
  }
  return claims;
}

/** How the verdicts are decided, for the report (every number from the settings). */
export function verdictMethodText(s: VerdictSettings, batchSize: number): string {
  const pts = s.points.map((x) => x.toFixed(2)).join(', ');
  return [
    `Each claim is judged on a paired bootstrap of the difference it is about (${s.replicates} replicates, seed ${s.seed}): every replicate resamples the validation rows and refits the calibration on them, resamples the test rows, and scores both sides on the same resample (and the same ${s.shufflesPerReplicate} shuffle${s.shufflesPerReplicate === 1 ? '' : 's'} into batches of ${batchSize}; only full batches count).`,
    `Pre-registered points: p_tar = ${pts}, with Holm's correction across them (family-wise α = ${s.alpha}); intervals are simultaneous ${Math.round(100 * (1 - s.alpha))}% percentile intervals (each at ${(100 * (1 - s.alpha / s.points.length)).toFixed(1)}%). Minimum effect: ${(100 * s.minEffect).toFixed(1)} pp for probabilities and accuracies.`,
    `**supported**: the interval of Δ lies beyond the minimum effect in the claimed direction at some point, and is on the other side of 0 nowhere; **contradicted**: it excludes 0 the other way; **inconclusive**: otherwise. "Calibration meets p_tar" uses simultaneous bands over the whole grid and is credited only where the uncalibrated curve significantly misses p_tar. Claims that hold by construction are marked and not counted as evidence.`,
  ].join(' ');
}
