import { ConfigError } from '../errors';
import { quantileSorted } from '../metrics/bootstrap';
import type { MeasuredRow } from '../records/measuredRecords';
import type { CascadeLatency } from '../offloading/latencyModel';
import { createRng, permutation } from '../util/rng';
import type { DeltaEstimate, Verdict } from './stats/deltaVerdict';

/**
 * The paper's claim "calibration lowers the probability of missing the deadline", judged on a
 * testbed run twice: once on the measured times and once on the latency model's times, for the
 * same images and the same answers, so that the two verdicts differ only by the times.
 *
 * A testbed measures the uncalibrated and the calibrated cascade as separate requests of the same
 * images; the pairs are those images (`sample`). The claim is judged at one deadline: by default
 * the model's offloading latency of the run, the smallest deadline at which the model says the
 * deadline "covers the offloading latency" (the claim's condition) — there the modelled
 * P[missed deadline] is the curve's plateau, which is how the modelled claim is judged, and the
 * measured one says whether real times agree that this deadline suffices.
 */
export interface TestbedDeadlineClaimSettings {
  /** Deadline in ms; null = the model's offloading latency of each run. */
  deadlineMs: number | null;
  /** Batch size; only full batches count, as in the modelled claim. */
  batchSize: number;
  /** Shuffles of the original images into batches for the point estimates. */
  pointRounds: number;
  /** Paired bootstrap replicates over images. */
  replicates: number;
  /** Shuffles into batches per replicate. */
  shufflesPerReplicate: number;
  seed: number;
  /** Minimum effect δ: supported needs the whole interval of Δ below −δ. */
  minEffect: number;
  /** Two-sided error rate of the interval (one claim, one point: level 1 − α). */
  alpha: number;
}

export const DEFAULT_TESTBED_DEADLINE_CLAIM: TestbedDeadlineClaimSettings = {
  deadlineMs: null,
  batchSize: 16,
  pointRounds: 100,
  replicates: 1000,
  shufflesPerReplicate: 4,
  seed: 0,
  minEffect: 0.005,
  alpha: 0.05,
};

/** One side of a paired image set: per image, whether the answer was right and its time, ms. */
export interface ImageOutcomes {
  correct: Uint8Array;
  timeMs: Float64Array;
}

/** The claim judged on one kind of times. */
export interface DeadlineJudgement {
  /** P[missed deadline] at the deadline on the original images (mean over the point shuffles); NaN when not judged. */
  uncalibrated: number;
  calibrated: number;
  /** Δ = calibrated − uncalibrated, its percentile interval and the verdict read from that interval. */
  delta: DeltaEstimate;
  verdict: Verdict;
}

/** The claim on one run (uplink rate) and p_tar, on measured and on modelled times. */
export interface TestbedDeadlineClaim {
  uplink: string;
  uplinkMbps: number;
  pTar: number;
  /** The calibrated side's method (the uncalibrated side is "none"). */
  method: string;
  deadlineMs: number;
  deadlineFrom: 'model-offload-latency' | 'setting';
  /** Images measured under both methods at this p_tar (the pairs). */
  pairs: number;
  /** Images measured under one method only (left out). */
  unpaired: number;
  /** Full batches per shuffle. */
  batches: number;
  measured: DeadlineJudgement;
  modelled: DeadlineJudgement;
  settings: TestbedDeadlineClaimSettings;
}

/**
 * Fraction of full batches that miss, over the images `idx[perm[·]]`: a batch misses when its
 * accuracy is below p_tar or its mean time exceeds the deadline. A mean equal to the deadline up
 * to rounding meets it (the default deadline is a time the model gives some images exactly).
 */
function missedFraction(
  o: ImageOutcomes,
  idx: Int32Array,
  perm: Int32Array,
  batchSize: number,
  pTar: number,
  deadlineMs: number,
): number {
  const nb = Math.floor(idx.length / batchSize);
  const limit = deadlineMs * batchSize * (1 + 1e-12);
  let missed = 0;
  for (let b = 0; b < nb; b++) {
    let ok = 0;
    let t = 0;
    for (let s = b * batchSize; s < (b + 1) * batchSize; s++) {
      const i = idx[perm[s]];
      ok += o.correct[i];
      t += o.timeMs[i];
    }
    if (ok / batchSize < pTar || t > limit) missed++;
  }
  return missed / nb;
}

/**
 * Δ P[missed deadline] (calibrated − uncalibrated) on paired images, with a paired bootstrap:
 * each replicate resamples image indices with replacement and scores both sides on the same
 * resample and the same shuffles. The verdict is read from the 1 − α percentile interval, so the
 * interval shown can never disagree with it: supported when it lies below −δ, contradicted when it
 * lies above 0, inconclusive otherwise.
 */
export function judgePairedDeadline(
  uncal: ImageOutcomes,
  cal: ImageOutcomes,
  pTar: number,
  deadlineMs: number,
  s: TestbedDeadlineClaimSettings,
  quantity: string,
): DeadlineJudgement {
  const n = uncal.correct.length;
  if (cal.correct.length !== n || uncal.timeMs.length !== n || cal.timeMs.length !== n)
    throw new ConfigError(`paired images: expected ${n} outcomes on both sides`);
  if (n < s.batchSize)
    throw new ConfigError(
      `missed-deadline claim: ${n} paired images, expected at least one full batch of ${s.batchSize}`,
    );
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  let pu = 0;
  let pc = 0;
  const pointRng = createRng(s.seed);
  for (let r = 0; r < s.pointRounds; r++) {
    const perm = permutation(n, pointRng);
    pu += missedFraction(uncal, identity, perm, s.batchSize, pTar, deadlineMs);
    pc += missedFraction(cal, identity, perm, s.batchSize, pTar, deadlineMs);
  }
  pu /= s.pointRounds;
  pc /= s.pointRounds;
  // A stream apart from the point shuffles', so replicates do not reuse them.
  const rng = createRng(s.seed + 1);
  const reps = new Float64Array(s.replicates);
  const idx = new Int32Array(n);
  for (let b = 0; b < s.replicates; b++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    let d = 0;
    for (let r = 0; r < s.shufflesPerReplicate; r++) {
      const perm = permutation(n, rng);
      d +=
        missedFraction(cal, idx, perm, s.batchSize, pTar, deadlineMs) -
        missedFraction(uncal, idx, perm, s.batchSize, pTar, deadlineMs);
    }
    reps[b] = d / s.shufflesPerReplicate;
  }
  reps.sort();
  const level = 1 - s.alpha;
  const low = quantileSorted(reps, s.alpha / 2);
  const high = quantileSorted(reps, 1 - s.alpha / 2);
  const verdict: Verdict = high < -s.minEffect ? 'supported' : low > 0 ? 'contradicted' : 'inconclusive';
  return {
    uncalibrated: pu,
    calibrated: pc,
    delta: { quantity, at: pTar, estimate: pc - pu, low, high, level, verdict },
    verdict,
  };
}

function notJudged(quantity: string, at: number, level: number, note: string): DeadlineJudgement {
  return {
    uncalibrated: NaN,
    calibrated: NaN,
    delta: { quantity, at, estimate: NaN, low: null, high: null, level, verdict: 'inconclusive', note },
    verdict: 'inconclusive',
  };
}

/** The latency model's time of the outcome an image really had in the run. */
function modelledTime(row: MeasuredRow, lat: CascadeLatency): number {
  if (row.offloaded || row.fallback) return lat.offloadMs;
  const t = lat.exitMs[row.exit - 1];
  if (t === undefined)
    throw new ConfigError(
      `measured records: sample ${row.sample} answered at exit ${row.exit}, but the model's device has ${lat.exitMs.length} exit(s)`,
    );
  return t;
}

/** A run's data for the claim. */
export interface TestbedDeadlineRun {
  name: string;
  uplinkMbps: number;
  rows: readonly MeasuredRow[];
  /** The latency model of this run (its uplink rate, RTT and cloud). */
  latency: CascadeLatency;
}

/**
 * The claim per p_tar of one run: pairs the images measured with method "none" and with `method`
 * at that p_tar, and judges Δ on the measured end-to-end times (`column`, default total_ms) and on
 * the model's times of the same answers. Correctness is the run's own answer (prediction = label).
 */
export function testbedDeadlineClaims(
  run: TestbedDeadlineRun,
  method: string,
  pTars: readonly number[],
  settings: TestbedDeadlineClaimSettings = DEFAULT_TESTBED_DEADLINE_CLAIM,
  column = 'total_ms',
): TestbedDeadlineClaim[] {
  const deadlineMs = settings.deadlineMs ?? run.latency.offloadMs;
  if (!(deadlineMs >= 0) || !Number.isFinite(deadlineMs))
    throw new ConfigError(`missed-deadline claim: deadline ${deadlineMs} ms, expected a finite number ≥ 0`);
  const out: TestbedDeadlineClaim[] = [];
  for (const p of pTars) {
    const at = (m: string) =>
      new Map(run.rows.filter((r) => r.method === m && Math.abs(r.pTar - p) < 1e-9).map((r) => [r.sample, r]));
    const un = at('none');
    const ca = at(method);
    const samples = [...un.keys()].filter((s) => ca.has(s)).sort((a, b) => a - b);
    const unpaired = un.size + ca.size - 2 * samples.length;
    const side = (byS: Map<number, MeasuredRow>, times: 'measured' | 'modelled'): ImageOutcomes => {
      const rows = samples.map((s) => byS.get(s)!);
      return {
        correct: Uint8Array.from(rows, (r) => (r.prediction === r.label ? 1 : 0)),
        timeMs: Float64Array.from(rows, (r) => {
          if (times === 'modelled') return modelledTime(r, run.latency);
          const v = r.ms[column];
          if (v === undefined) throw new ConfigError(`measured records of ${run.name}: no column "${column}"`);
          return v;
        }),
      };
    };
    const q = (times: string) => `Δ P[missed deadline] (${method} − uncalibrated, ${times} times)`;
    // Too few pairs for one full batch (a short run): reported, not judged, and the rest of the comparison still runs.
    const judge = (times: 'measured' | 'modelled'): DeadlineJudgement =>
      samples.length < settings.batchSize
        ? notJudged(
            q(times),
            p,
            1 - settings.alpha,
            `${samples.length} paired images, fewer than one batch of ${settings.batchSize}`,
          )
        : judgePairedDeadline(side(un, times), side(ca, times), p, deadlineMs, settings, q(times));
    out.push({
      uplink: run.name,
      uplinkMbps: run.uplinkMbps,
      pTar: p,
      method,
      deadlineMs,
      deadlineFrom: settings.deadlineMs === null ? 'model-offload-latency' : 'setting',
      pairs: samples.length,
      unpaired,
      batches: Math.floor(samples.length / settings.batchSize),
      measured: judge('measured'),
      modelled: judge('modelled'),
      settings,
    });
  }
  return out;
}
