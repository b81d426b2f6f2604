import type { ExitRecords, FloatArray } from '../records/types';
import type { Calibrator, FitReport } from './types';
import { uncalibratedScores } from '../records/scores';
import { runCascade, type Fallback } from '../cascade/runCascade';
import { TemperatureScaling, type TemperatureScalingOptions } from './temperatureScaling';
import { IdentityCalibrator } from './identity';
import { ConfigError } from '../errors';

/**
 * The early-exit variants of temperature scaling (docs/paper-notes.md#temperature-scaling) and per-exit fitting of any
 * calibrator. Each returns one calibrator per exit (index 0 = exit 1) plus, per exit, how many
 * samples it was fitted on and a note when an exit was left uncalibrated.
 */

/** One exit's outcome. */
export interface ExitFit {
  /** Exit number (1-based). */
  exit: number;
  calibrator: Calibrator;
  /** Validation samples the calibrator was fitted on (0 when left at identity / T = 1). */
  fitSamples: number;
  /** Why the exit was not fitted, or null. */
  note: string | null;
  /** Report of the fit that produced the calibrator (global TS: the pooled fit, shared), or null. */
  report: FitReport | null;
}

/** Where the uncalibrated cascade stops, for the p_tar-dependent variants. */
export interface CascadeFitOptions {
  /** Confidence target p_tar the subsets depend on. */
  pTar: number;
  /** Side branches on the device, k (default: every side branch, E − 1). */
  edgeExits?: number;
  /** Offloaded samples' exit: 'final' (default) or 'most-confident' (docs/paper-notes.md#fallback). */
  fallback?: Fallback;
  /** Side branches that never answer. */
  disabled?: ReadonlySet<number>;
  /** Options of every temperature fit. */
  temperature?: TemperatureScalingOptions;
}

/** Row-major rows `idx` of one exit's logits. */
export function selectRows(logits: FloatArray, numClasses: number, idx: readonly number[]): Float64Array {
  const out = new Float64Array(idx.length * numClasses);
  idx.forEach((i, r) => {
    for (let k = 0; k < numClasses; k++) out[r * numClasses + k] = logits[i * numClasses + k];
  });
  return out;
}

/** 0-based exit each sample leaves at under the *uncalibrated* cascade (docs/paper-notes.md#ts-per-branch). */
export function uncalibratedExitAssignment(records: ExitRecords, opts: CascadeFitOptions): Int32Array {
  const edgeExits = opts.edgeExits ?? records.numExits - 1;
  if (records.numExits < 2)
    throw new ConfigError('per-branch and global TS need at least two exits (side branches + final)');
  return runCascade(uncalibratedScores(records), {
    edgeExits,
    pTar: opts.pTar,
    fallback: opts.fallback,
    disabled: opts.disabled,
  }).answeringExit;
}

/**
 * Fit a fresh calibrator per exit on all validation samples of that exit (the per-exit TS of
 * docs/paper-notes.md#ts-per-exit, `calibrate_branches_all_samples`, when `make` builds TemperatureScaling).
 * @param make - builds an unfitted calibrator.
 * @param exits - 1-based exits to calibrate (default all); others get identity.
 */
export function fitPerExit(records: ExitRecords, make: () => Calibrator, exits?: readonly number[]): ExitFit[] {
  const chosen = new Set(exits ?? records.logits.map((_, e) => e + 1));
  return records.logits.map((logits, e) => {
    if (!chosen.has(e + 1)) return identityFit(records.numClasses, e, `exit ${e + 1} not selected; left uncalibrated`);
    const calibrator = make().fit(logits, records.labels, records.numClasses);
    return { exit: e + 1, calibrator, fitSamples: records.numSamples, note: null, report: calibrator.report };
  });
}

/**
 * Per-branch TS (docs/paper-notes.md#ts-per-branch, `calibrate_branches`): run the uncalibrated cascade at p_tar
 * and fit T_i of exit i only on the validation samples that leave at exit i; temperatures thus
 * depend on p_tar. An exit where no sample leaves keeps T = 1 (with a note).
 * @param exits - 1-based exits to calibrate (default all); others keep T = 1.
 */
export function fitPerBranchTemperatures(
  records: ExitRecords,
  opts: CascadeFitOptions,
  exits?: readonly number[],
): ExitFit[] {
  const assigned = uncalibratedExitAssignment(records, opts);
  const chosen = new Set(exits ?? records.logits.map((_, e) => e + 1));
  const C = records.numClasses;
  return records.logits.map((logits, e) => {
    if (!chosen.has(e + 1)) return unitTemperature(C, e, 0, `exit ${e + 1} not selected; T = 1 kept`);
    const idx: number[] = [];
    for (let i = 0; i < assigned.length; i++) if (assigned[i] === e) idx.push(i);
    if (idx.length === 0)
      return unitTemperature(
        C,
        e,
        0,
        `no validation sample leaves at exit ${e + 1} at p_tar = ${opts.pTar}; T = 1 kept`,
      );
    const labels = Int32Array.from(idx, (i) => records.labels[i]);
    const cal = new TemperatureScaling(opts.temperature).fit(selectRows(logits, C, idx), labels, C);
    return { exit: e + 1, calibrator: cal, fitSamples: idx.length, note: null, report: cal.report };
  });
}

/**
 * Global TS (docs/paper-notes.md#ts-global, `calibrate_overall`): one T fitted on the pooled logits of the exit
 * each validation sample leaves at under the uncalibrated cascade at p_tar, shared by every exit.
 */
export function fitGlobalTemperature(records: ExitRecords, opts: CascadeFitOptions): ExitFit[] {
  const assigned = uncalibratedExitAssignment(records, opts);
  const C = records.numClasses;
  const pooled = new Float64Array(records.numSamples * C);
  for (let i = 0; i < records.numSamples; i++) {
    const src = records.logits[assigned[i]];
    for (let k = 0; k < C; k++) pooled[i * C + k] = src[i * C + k];
  }
  const fitted = new TemperatureScaling(opts.temperature).fit(pooled, records.labels, C);
  const T = fitted.temperature;
  return records.logits.map((_, e) => ({
    exit: e + 1,
    calibrator: TemperatureScaling.withTemperature(T, C),
    fitSamples: records.numSamples,
    note: null,
    report: fitted.report,
  }));
}

function unitTemperature(C: number, e: number, fitSamples: number, note: string): ExitFit {
  return { exit: e + 1, calibrator: TemperatureScaling.withTemperature(1, C), fitSamples, note, report: null };
}

function identityFit(C: number, e: number, note: string): ExitFit {
  return { exit: e + 1, calibrator: new IdentityCalibrator(C), fitSamples: 0, note, report: null };
}
