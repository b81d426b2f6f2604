import type { ExitRecords } from '../records/types';
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
import { calibrationFileOf } from './calibrationFile';
import type { Calibrator } from './types';
import { ConfigError, OptionError } from '../errors';
import {
  checkMethodShape,
  type CalibrateOptions,
  type CalibrationMethodDefinition,
  type MethodFit,
} from './methodDefinition';
import type { FittedCalibration } from './applyCalibration';

export type { CalibrateOptions, MethodFit } from './methodDefinition';

/** One built-in calibration method (the same interface a user's method implements). */
export type MethodEntry = CalibrationMethodDefinition;

/** Per-exit fits of one calibrator on all samples of each selected exit. */
function fitEach(records: ExitRecords, opts: CalibrateOptions, make: () => Calibrator): MethodFit {
  return { exits: fitPerExit(records, make, opts.exits), offloading: null };
}

/** The cascade a p_tar-dependent temperature fit runs on. */
function cascadeOf(opts: CalibrateOptions & { pTar: number }, optimizer?: TemperatureOptimizer) {
  return {
    pTar: opts.pTar,
    edgeExits: opts.edgeExits,
    fallback: opts.fallback,
    disabled: opts.disabled,
    temperature: { optimizer: optimizer ?? opts.optimizer },
  };
}

/**
 * Every calibration method, by id: what `eecal calibrate --method`, the reproduction, figures and
 * notebooks name. Ids are the keys everything else uses; labels are for display only.
 */
export const CALIBRATION_METHODS = {
  temperature: {
    id: 'temperature',
    label: 'TS per exit',
    needsPTar: false,
    describe: 'per-exit temperature scaling on all samples (exact NLL optimum)',
    fit: (r, o) => fitEach(r, o, () => new TemperatureScaling({ optimizer: o.optimizer })),
  },
  'per-branch': {
    id: 'per-branch',
    label: 'Per-branch TS',
    needsPTar: true,
    describe: 'T_i fitted on the samples that leave at exit i (uncalibrated cascade at p_tar)',
    fit: (r, o) => ({ exits: fitPerBranchTemperatures(r, cascadeOf(o), o.exits), offloading: null }),
  },
  global: {
    id: 'global',
    label: 'Global TS',
    needsPTar: true,
    describe: 'one T on the logits of the exit each sample leaves at (same cascade)',
    fit: (r, o) => ({ exits: fitGlobalTemperature(r, cascadeOf(o)), offloading: null }),
  },
  vector: {
    id: 'vector',
    label: 'vector',
    needsPTar: false,
    describe: 'vector scaling per exit',
    fit: (r, o) => fitEach(r, o, () => new VectorScaling()),
  },
  matrix: {
    id: 'matrix',
    label: 'matrix',
    needsPTar: false,
    describe: 'matrix scaling per exit (ODIR-regularised)',
    fit: (r, o) => fitEach(r, o, () => new MatrixScaling({ lambda: o.lambda, mu: o.mu })),
  },
  histogram: {
    id: 'histogram',
    label: 'histogram',
    needsPTar: false,
    describe: 'histogram binning of the top-label confidence per exit',
    fit: (r, o) => fitEach(r, o, () => new HistogramBinning({ bins: o.histogramBins })),
  },
  isotonic: {
    id: 'isotonic',
    label: 'isotonic',
    needsPTar: false,
    describe: 'isotonic regression of the top-label confidence per exit',
    fit: (r, o) => fitEach(r, o, () => new IsotonicRegression()),
  },
  platt: {
    id: 'platt',
    label: 'platt',
    needsPTar: false,
    describe: 'Platt scaling of the top-label confidence per exit',
    fit: (r, o) => fitEach(r, o, () => new PlattScaling()),
  },
  beta: {
    id: 'beta',
    label: 'beta',
    needsPTar: false,
    describe: 'beta calibration of the top-label confidence per exit',
    fit: (r, o) => fitEach(r, o, () => new BetaCalibration()),
  },
  offloading: {
    id: 'offloading',
    label: 'offloading',
    needsPTar: true,
    describe: 'per-branch T minimising E[latency] − β·edge accuracy (docs/paper-notes.md#offloading-driven-ts)',
    fit: (r, o) => {
      if (o.beta === undefined || !o.latency)
        throw new OptionError(['method', 'beta', 'latency'], 'method offloading needs beta and latency');
      const off = fitOffloadingTemperatures(r, {
        pTar: o.pTar,
        edgeExits: o.edgeExits,
        disabled: o.disabled,
        beta: o.beta,
        latency: o.latency,
      });
      return { exits: off.exits, offloading: off };
    },
  },
  'torch-lbfgs': {
    id: 'torch-lbfgs',
    label: 'torch-lbfgs',
    needsPTar: false,
    describe: "per-exit TS fitted like the paper's PyTorch code (L-BFGS, lr 0.01, 50 iterations, T0 = 1.5)",
    fit: (r, o) => fitEach(r, o, () => new TemperatureScaling({ optimizer: 'torch-lbfgs' })),
  },
} satisfies Record<string, MethodEntry>;

/** A method id: a key of {@link CALIBRATION_METHODS}. */
export type CalibrationMethod = keyof typeof CALIBRATION_METHODS;

/** Every method id, in registry order. */
export const METHOD_IDS = Object.keys(CALIBRATION_METHODS) as CalibrationMethod[];

/** The built-in methods, in registry order (each a {@link CalibrationMethodDefinition}). */
export const BUILTIN_METHODS: readonly CalibrationMethodDefinition[] = METHOD_IDS.map((id) => CALIBRATION_METHODS[id]);

/** True when `id` names a built-in method. */
export function isCalibrationMethod(id: unknown): id is CalibrationMethod {
  return typeof id === 'string' && Object.prototype.hasOwnProperty.call(CALIBRATION_METHODS, id);
}

/** A built-in method id or any method object: what every study, figure and verdict accepts. */
export type MethodLike = CalibrationMethod | CalibrationMethodDefinition;

/**
 * The method a built-in id or a method object names. An unknown id or a malformed object is a
 * one-line OptionError naming `field` (the option the user set, e.g. "PLAY.methods[1]").
 */
export function calibrationMethod(method: MethodLike | string, field = 'method'): CalibrationMethodDefinition {
  if (typeof method === 'string') {
    if (!isCalibrationMethod(method))
      throw new OptionError(
        [field],
        `${field} "${method}": expected one of ${METHOD_IDS.join(', ')}, or an object { id, label, fit }`,
      );
    return CALIBRATION_METHODS[method];
  }
  checkMethodShape(method, field);
  return method;
}

/**
 * Resolve a list of methods (ids or objects); ids must be unique, since claims, tables and
 * figures key on them. Errors name `field[i]`.
 */
export function resolveMethods(
  methods: readonly (MethodLike | string)[],
  field = 'methods',
): CalibrationMethodDefinition[] {
  if (!Array.isArray(methods))
    throw new OptionError(
      [field],
      `${field}: expected a list of method ids or method objects, found ${typeof methods}`,
    );
  const out = methods.map((m, i) => calibrationMethod(m, `${field}[${i}]`));
  const seen = new Set<string>();
  out.forEach((m, i) => {
    if (m.id === 'uncalibrated')
      throw new OptionError([field], `${field}[${i}]: id "uncalibrated" is reserved for the uncalibrated baseline`);
    if (seen.has(m.id))
      throw new OptionError(
        [field],
        `${field}[${i}]: method id "${m.id}" appears twice (ids key claims, tables and figures)`,
      );
    seen.add(m.id);
  });
  return out;
}

/** Display label of a method ('uncalibrated' for none); an id not built in is shown as is. */
export function methodLabel(method: MethodLike | 'uncalibrated' | string): string {
  if (typeof method !== 'string') return method.label;
  if (method === 'uncalibrated') return 'uncalibrated';
  return isCalibrationMethod(method) ? CALIBRATION_METHODS[method].label : method;
}

/**
 * The offloading-driven method (docs/paper-notes.md#offloading-driven-ts) with its options bound: β (ms of latency worth
 * one unit of edge accuracy) and the latency model, so it runs wherever a method goes.
 */
export function offloadingMethod(options: { beta: number; latency: ExitLatency }): CalibrationMethodDefinition {
  if (!(Number.isFinite(options?.beta) && options.beta >= 0))
    throw new OptionError(
      ['beta'],
      `offloading method: "beta" must be a number ≥ 0 (ms per unit edge accuracy), found ${JSON.stringify(options?.beta)}`,
    );
  if (!options.latency)
    throw new OptionError(
      ['latency'],
      'offloading method: "latency" is required (per-exit device ms and cloud ms; see exitLatencyOf)',
    );
  const base = CALIBRATION_METHODS.offloading;
  return { ...base, fit: (r, o) => base.fit(r, { ...o, beta: options.beta, latency: options.latency }) };
}

/** A finished calibration: per-exit fits, the file to save (null when a calibrator is a function), and the offloading summary if any. */
export interface CalibrationRun extends FittedCalibration {
  exits: ExitFit[];
  offloading: OffloadingTemperatureResult | null;
}

/**
 * Fit one method on validation records. Per-exit methods fit each selected exit on all its
 * samples; per-branch / global are the p_tar-dependent TS variants of docs/paper-notes.md#temperature-scaling;
 * offloading is #offloading-driven-ts; any method object runs its own fit. Missing options are OptionErrors naming
 * the option field (`pTar`).
 */
export function calibrateRecords(
  records: ExitRecords,
  method: MethodLike,
  opts: CalibrateOptions = {},
): CalibrationRun {
  const entry = calibrationMethod(method);
  if (entry.needsPTar && opts.pTar === undefined)
    throw new OptionError(['method', 'pTar'], `method ${entry.id} needs pTar (its fit depends on where samples exit)`);
  if (opts.pTar !== undefined && !(opts.pTar >= 0 && opts.pTar <= 1))
    throw new ConfigError(`pTar = ${opts.pTar}: expected a number in [0, 1]`);
  const pTar = entry.needsPTar ? (opts.pTar as number) : null;
  const fit = entry.fit(records, { ...opts, pTar: pTar ?? 0 });
  if (!fit || !Array.isArray(fit.exits) || fit.exits.length !== records.numExits) {
    throw new OptionError(
      ['method'],
      `method "${entry.id}": fit() must return { exits } with one fit per exit (${records.numExits}), found ${Array.isArray(fit?.exits) ? fit.exits.length : 'none'}`,
    );
  }
  const calibrators = fit.exits.map((x) => x.calibrator);
  const savable = calibrators.every((c) => c.kind !== 'function');
  return {
    method: entry.id,
    pTar,
    numExits: records.numExits,
    numClasses: records.numClasses,
    calibrators,
    file: savable ? calibrationFileOf(entry.id, pTar, records.numClasses, calibrators) : null,
    exits: fit.exits,
    offloading: fit.offloading,
  };
}
