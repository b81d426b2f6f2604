import type { ExitRecords } from '../records/types';
import { exitTemperature, type Calibration } from '../calibration/applyCalibration';
import { resolveMethods, type MethodLike } from '../calibration/methods';
import type { ReliabilityBin } from '../plots/reliability';
import type { MethodSpec } from './offloadingStudy';
import type { Fallback } from '../cascade/runCascade';

/** A method a study compares: a built-in id or any method object (`CalibrationMethodDefinition`). */
export type StudyMethod = MethodLike;

/** Metrics of one exit under one calibration (fractions; NLL in nats). */
export interface ExitMetrics {
  accuracy: number;
  nll: number;
  /** ECE with the study's bins and the per-bin table behind it (one binning for both). */
  ece: number;
  bins: ReliabilityBin[];
}

/**
 * What the report needs from the calibration library, in one place so the rest of the
 * report does not depend on its internals: fitting a method on validation records, and per-exit
 * metrics of (calibrated) records. `calibrationOps.ts` implements it with `src/calibration` +
 * `src/metrics`; tests may pass another implementation.
 */
export interface CalibrationOps {
  /** `fallback`: the calibration subset rule of per-branch/global TS (default 'final'; see ReproduceConfig.calibrationSubset). */
  fit(
    val: ExitRecords,
    method: MethodLike,
    opts: { pTar: number; edgeExits: number; fallback?: Fallback },
  ): Calibration;
  /** `exit` is 1-based (1 … E), as everywhere in the public API. */
  exitMetrics(records: ExitRecords, calibration: Calibration | undefined, exit: number, bins: number): ExitMetrics;
}

/** One row of the per-exit table: before (uncalibrated) vs after one method, on the test split. */
export interface ExitCalibrationRow {
  exit: number;
  name: string;
  /** Display label of the method. */
  method: string;
  /** Fitted temperature of this exit, when the method's state for it has one. */
  temperature: number | null;
  accuracy: number;
  nllBefore: number;
  nllAfter: number;
  eceBefore: number;
  eceAfter: number;
  /** Method id (what code keys on; last, so CSV columns before it keep their place). */
  methodId: string;
}

/** Reliability data of one method on the test split, per exit. */
export interface MethodReliability {
  id: string;
  label: string;
  exits: { exit: number; name: string; metrics: ExitMetrics; numSamples: number }[];
}

/** The calibration part of a reproduction. */
export interface CalibrationStudy {
  /** Uncalibrated first, then each fitted method (what the offloading study compares). */
  methods: MethodSpec[];
  rows: ExitCalibrationRow[];
  reliability: MethodReliability[];
  bins: number;
}

/** Reliability data (metrics + bins per exit) of records under one method. */
export function measureMethod(
  records: ExitRecords,
  spec: MethodSpec,
  ops: CalibrationOps,
  bins: number,
  exitNames: readonly string[],
): MethodReliability {
  return {
    id: spec.id,
    label: spec.label,
    exits: exitNames.map((name, e) => ({
      exit: e + 1,
      name,
      metrics: ops.exitMetrics(records, spec.calibration, e + 1, bins),
      numSamples: records.numSamples,
    })),
  };
}

/** A compact per-exit table (accuracy, mean confidence, ECE, NLL) of one method, for notebooks and reports. */
export function exitSummaryRows(
  m: MethodReliability,
): { exit: string; accuracy: number; meanConfidence: number; ece: number; nll: number }[] {
  return m.exits.map((x) => ({
    exit: x.name,
    accuracy: x.metrics.accuracy,
    // Σ_b n_b·conf_b / N: the mean top-label confidence, recovered from the same bins as the ECE.
    meanConfidence: x.metrics.bins.reduce((s, b) => s + b.count * b.meanConfidence, 0) / Math.max(1, x.numSamples),
    ece: x.metrics.ece,
    nll: x.metrics.nll,
  }));
}

/**
 * Fit every method on `val`, then measure every exit of `test` before and after: the numbers of
 * the report's calibration table and the bins of its reliability diagrams.
 */
export function calibrationStudy(
  val: ExitRecords,
  test: ExitRecords,
  ops: CalibrationOps,
  opts: {
    methods: readonly (StudyMethod | string)[];
    pTar: number;
    bins: number;
    exitNames: readonly string[];
    fallback?: Fallback;
    /** Name of the methods list in errors (default "methods"; a notebook passes "PLAY.methods"). */
    option?: string;
  },
): CalibrationStudy {
  const edgeExits = val.numExits - 1;
  const fitted = resolveMethods(opts.methods, opts.option ?? 'methods').map((m) => ({
    id: m.id,
    label: m.label,
    method: m,
    calibration: ops.fit(val, m, { pTar: opts.pTar, edgeExits, ...(opts.fallback ? { fallback: opts.fallback } : {}) }),
  }));
  const methods: MethodSpec[] = [{ id: 'uncalibrated', label: 'uncalibrated' }, ...fitted];
  const reliability: MethodReliability[] = methods.map((m) => measureMethod(test, m, ops, opts.bins, opts.exitNames));
  const before = reliability[0].exits;
  const rows: ExitCalibrationRow[] = fitted.flatMap((m, i) =>
    reliability[i + 1].exits.map((x, e) => ({
      exit: e + 1,
      name: opts.exitNames[e],
      method: m.label,
      temperature: exitTemperature(m.calibration, e),
      accuracy: before[e].metrics.accuracy,
      nllBefore: before[e].metrics.nll,
      nllAfter: x.metrics.nll,
      eceBefore: before[e].metrics.ece,
      eceAfter: x.metrics.ece,
      methodId: m.id,
    })),
  );
  return { methods, rows, reliability, bins: opts.bins };
}
