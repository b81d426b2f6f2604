import type { ExitRecords } from '../records/types';
import type { Fallback } from '../cascade/runCascade';
import type { ExitLatency } from '../cascade/exitLatency';
import { fitGlobalTemperature, fitPerBranchTemperatures, fitPerExit, type ExitFit } from './earlyExit';
import { fitOffloadingTemperatures, type OffloadingTemperatureResult } from './offloadingTemperatures';
import { TemperatureScaling, type TemperatureOptimizer } from './temperatureScaling';
import { VectorScaling } from './vectorScaling';
import { MatrixScaling } from './matrixScaling';
import { HistogramBinning } from './histogramBinning';
import { IsotonicRegression } from './isotonicRegression';
import { PlattScaling } from './plattScaling';
import { BetaCalibration } from './betaCalibration';
import { calibrationFileOf, type CalibrationFile } from './calibrationFile';
import type { Calibrator } from './types';
import { ConfigError, OptionError } from '../errors';

/** Everything a method may need; each method reads only its own fields. */
export interface CalibrateOptions {
  /** p_tar (per-branch, global, offloading). */
  pTar?: number;
  /** 1-based exits to calibrate (per-exit methods and per-branch); others stay uncalibrated. */
  exits?: readonly number[];
  /** Device side branches k (default E − 1). */
  edgeExits?: number;
  fallback?: Fallback;
  disabled?: ReadonlySet<number>;
  /** Temperature optimiser of the temperature methods (default exact; torch-lbfgs forces its own). */
  optimizer?: TemperatureOptimizer;
  /** ODIR strengths of matrix scaling. */
  lambda?: number;
  mu?: number;
  /** Bins of histogram binning (default 15). */
  histogramBins?: number;
  /** Offloading-driven fit: β (ms per unit edge accuracy) and the latency model. */
  beta?: number;
  latency?: ExitLatency;
}

/** What a method's fit returns: one fit per exit, and the offloading summary (docs/paper-notes.md#offloading-driven-ts) if any. */
export interface MethodFit {
  exits: ExitFit[];
  offloading: OffloadingTemperatureResult | null;
}

/** One calibration method of the registry. */
export interface MethodEntry {
  /** Display name in figures, tables and reports (the paper's name where it has one). */
  label: string;
  /** Whether the fit depends on p_tar (through the uncalibrated cascade or the objective). */
  needsPTar: boolean;
  /** One line: what the method fits, for help texts and notebooks. */
  describe: string;
  /** Fit on validation records; `pTar` is set when `needsPTar`. */
  fit(records: ExitRecords, opts: CalibrateOptions & { pTar: number }): MethodFit;
}

/** Per-exit fits of one calibrator on all samples of each selected exit. */
function fitEach(records: ExitRecords, opts: CalibrateOptions, make: () => Calibrator): MethodFit {
  return { exits: fitPerExit(records, make, opts.exits), offloading: null };
}

/** The cascade a p_tar-dependent temperature fit runs on. */
function cascadeOf(opts: CalibrateOptions & { pTar: number }, optimizer?: TemperatureOptimizer) {
  return { pTar: opts.pTar, edgeExits: opts.edgeExits, fallback: opts.fallback, disabled: opts.disabled, temperature: { optimizer: optimizer ?? opts.optimizer } };
}

/**
 * Every calibration method, by id: what `eecal calibrate --method`, the reproduction, figures and
 * notebooks name. Ids are the keys everything else uses; labels are for display only.
 */
export const CALIBRATION_METHODS = {
  temperature: {
    label: 'TS per exit', needsPTar: false,
    describe: 'per-exit temperature scaling on all samples (exact NLL optimum)',
    fit: (r, o) => fitEach(r, o, () => new TemperatureScaling({ optimizer: o.optimizer })),
  },
  'per-branch': {
    label: 'Per-branch TS', needsPTar: true,
    describe: 'T_i fitted on the samples that leave at exit i (uncalibrated cascade at p_tar)',
    fit: (r, o) => ({ exits: fitPerBranchTemperatures(r, cascadeOf(o), o.exits), offloading: null }),
  },
  global: {
    label: 'Global TS', needsPTar: true,
    describe: 'one T on the logits of the exit each sample leaves at (same cascade)',
    fit: (r, o) => ({ exits: fitGlobalTemperature(r, cascadeOf(o)), offloading: null }),
  },
  vector: { label: 'vector', needsPTar: false, describe: 'vector scaling per exit', fit: (r, o) => fitEach(r, o, () => new VectorScaling()) },
  matrix: {
    label: 'matrix', needsPTar: false, describe: 'matrix scaling per exit (ODIR-regularised)',
    fit: (r, o) => fitEach(r, o, () => new MatrixScaling({ lambda: o.lambda, mu: o.mu })),
  },
  histogram: {
    label: 'histogram', needsPTar: false, describe: 'histogram binning of the top-label confidence per exit',
    fit: (r, o) => fitEach(r, o, () => new HistogramBinning({ bins: o.histogramBins })),
  },
  isotonic: { label: 'isotonic', needsPTar: false, describe: 'isotonic regression of the top-label confidence per exit', fit: (r, o) => fitEach(r, o, () => new IsotonicRegression()) },
  platt: { label: 'platt', needsPTar: false, describe: 'Platt scaling of the top-label confidence per exit', fit: (r, o) => fitEach(r, o, () => new PlattScaling()) },
  beta: { label: 'beta', needsPTar: false, describe: 'beta calibration of the top-label confidence per exit', fit: (r, o) => fitEach(r, o, () => new BetaCalibration()) },
  offloading: {
    label: 'offloading', needsPTar: true,
    describe: 'per-branch T minimising E[latency] − β·edge accuracy (docs/paper-notes.md#offloading-driven-ts)',
    fit: (r, o) => {
      if (o.beta === undefined || !o.latency) throw new OptionError(['method', 'beta', 'latency'], 'method offloading needs beta and latency');
      const off = fitOffloadingTemperatures(r, { pTar: o.pTar, edgeExits: o.edgeExits, disabled: o.disabled, beta: o.beta, latency: o.latency });
      return { exits: off.exits, offloading: off };
    },
  },
  'torch-lbfgs': {
    label: 'torch-lbfgs', needsPTar: false,
    describe: "per-exit TS fitted like the paper's PyTorch code (L-BFGS, lr 0.01, 50 iterations, T0 = 1.5)",
    fit: (r, o) => fitEach(r, o, () => new TemperatureScaling({ optimizer: 'torch-lbfgs' })),
  },
} satisfies Record<string, MethodEntry>;

/** A method id: a key of {@link CALIBRATION_METHODS}. */
export type CalibrationMethod = keyof typeof CALIBRATION_METHODS;

/** Every method id, in registry order. */
export const METHOD_IDS = Object.keys(CALIBRATION_METHODS) as CalibrationMethod[];

/** True when `id` names a registered method. */
export function isCalibrationMethod(id: unknown): id is CalibrationMethod {
  return typeof id === 'string' && Object.prototype.hasOwnProperty.call(CALIBRATION_METHODS, id);
}

/** The registry entry of a method id; an unknown id is an OptionError naming the field `method`. */
export function calibrationMethod(id: string): MethodEntry {
  if (!isCalibrationMethod(id)) throw new OptionError(['method'], `method "${id}": expected one of ${METHOD_IDS.join(', ')}`);
  return CALIBRATION_METHODS[id];
}

/** Display label of a method id ('uncalibrated' for none). */
export function methodLabel(id: CalibrationMethod | 'uncalibrated'): string {
  return id === 'uncalibrated' ? 'uncalibrated' : CALIBRATION_METHODS[id].label;
}

/** A finished calibration: per-exit fits, the file to save, and the offloading summary if any. */
export interface CalibrationRun {
  method: CalibrationMethod;
  pTar: number | null;
  exits: ExitFit[];
  file: CalibrationFile;
  offloading: OffloadingTemperatureResult | null;
}

/**
 * Fit one method on validation records. Per-exit methods fit each selected exit on all its
 * samples; per-branch / global are the p_tar-dependent TS variants of docs/paper-notes.md#temperature-scaling;
 * offloading is #offloading-driven-ts. Missing options are OptionErrors naming the option field (`pTar`).
 */
export function calibrateRecords(records: ExitRecords, method: CalibrationMethod, opts: CalibrateOptions = {}): CalibrationRun {
  const entry: MethodEntry = calibrationMethod(method);
  if (entry.needsPTar && opts.pTar === undefined) throw new OptionError(['method', 'pTar'], `method ${method} needs pTar (its fit depends on where samples exit)`);
  if (opts.pTar !== undefined && !(opts.pTar >= 0 && opts.pTar <= 1)) throw new ConfigError(`pTar = ${opts.pTar}: expected a number in [0, 1]`);
  const pTar = entry.needsPTar ? (opts.pTar as number) : null;
  const fit = entry.fit(records, { ...opts, pTar: pTar ?? 0 });
  return { method, pTar, exits: fit.exits, file: calibrationFileOf(method, pTar, records.numClasses, fit.exits.map((x) => x.calibrator)), offloading: fit.offloading };
}
