import type { ExitRecords } from '../records/types';
import type { Fallback } from '../cascade/runCascade';
import { fitGlobalTemperature, fitPerBranchTemperatures, fitPerExit, type ExitFit } from './earlyExit';
import { fitOffloadingTemperatures, type OffloadingTemperatureResult } from './offloadingTemperatures';
import type { ExitLatency } from './offloadingObjective';
import { TemperatureScaling, type TemperatureOptimizer } from './temperatureScaling';
import { VectorScaling } from './vectorScaling';
import { MatrixScaling } from './matrixScaling';
import { HistogramBinning } from './histogramBinning';
import { IsotonicRegression } from './isotonicRegression';
import { PlattScaling } from './plattScaling';
import { BetaCalibration } from './betaCalibration';
import { calibrationFileOf, type CalibrationFile } from './calibrationFile';
import { ConfigError } from '../errors';

/** The `eecal calibrate --method` names. */
export const CALIBRATION_METHODS = [
  'temperature', 'per-branch', 'global', 'vector', 'matrix', 'histogram', 'isotonic', 'platt', 'beta', 'offloading',
] as const;
/** One of {@link CALIBRATION_METHODS}. */
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

/** Methods whose fit depends on p_tar (through the uncalibrated cascade or the objective). */
export const P_TAR_METHODS: readonly CalibrationMethod[] = ['per-branch', 'global', 'offloading'];

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
  /** Temperature optimiser of the temperature methods (default exact). */
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

/** A finished calibration: per-exit fits, the file to save, and the offloading summary if any. */
export interface CalibrationRun {
  method: CalibrationMethod;
  pTar: number | null;
  exits: ExitFit[];
  file: CalibrationFile;
  offloading: OffloadingTemperatureResult | null;
}

/**
 * Fit one `eecal calibrate` method on validation records. Per-exit methods fit each selected
 * exit on all its samples; per-branch / global are the p_tar-dependent TS variants of
 * paper-spec §3.2; offloading is §3.4.
 */
export function calibrateRecords(records: ExitRecords, method: CalibrationMethod, opts: CalibrateOptions = {}): CalibrationRun {
  const needsPTar = P_TAR_METHODS.includes(method);
  if (needsPTar && opts.pTar === undefined) throw new ConfigError(`--method ${method} needs --p-tar (its fit depends on where samples exit)`);
  const pTar = needsPTar ? (opts.pTar as number) : null;
  const temperature = { optimizer: opts.optimizer };
  const cascade = { pTar: pTar ?? 0, edgeExits: opts.edgeExits, fallback: opts.fallback, disabled: opts.disabled, temperature };
  let exits: ExitFit[];
  let offloading: OffloadingTemperatureResult | null = null;
  switch (method) {
    case 'temperature': exits = fitPerExit(records, () => new TemperatureScaling(temperature), opts.exits); break;
    case 'vector': exits = fitPerExit(records, () => new VectorScaling(), opts.exits); break;
    case 'matrix': exits = fitPerExit(records, () => new MatrixScaling({ lambda: opts.lambda, mu: opts.mu }), opts.exits); break;
    case 'histogram': exits = fitPerExit(records, () => new HistogramBinning({ bins: opts.histogramBins }), opts.exits); break;
    case 'isotonic': exits = fitPerExit(records, () => new IsotonicRegression(), opts.exits); break;
    case 'platt': exits = fitPerExit(records, () => new PlattScaling(), opts.exits); break;
    case 'beta': exits = fitPerExit(records, () => new BetaCalibration(), opts.exits); break;
    case 'per-branch': exits = fitPerBranchTemperatures(records, cascade, opts.exits); break;
    case 'global': exits = fitGlobalTemperature(records, cascade); break;
    case 'offloading': {
      if (opts.beta === undefined || !opts.latency) throw new ConfigError('--method offloading needs --beta and the latency model (--device-ms, --cloud-ms)');
      offloading = fitOffloadingTemperatures(records, { pTar: pTar as number, edgeExits: opts.edgeExits, disabled: opts.disabled, beta: opts.beta, latency: opts.latency });
      exits = offloading.exits;
      break;
    }
    default: {
      const never: never = method;
      throw new ConfigError(`--method "${String(never)}": expected one of ${CALIBRATION_METHODS.join(', ')}`);
    }
  }
  return { method, pTar, exits, file: calibrationFileOf(method, pTar, records.numClasses, exits.map((x) => x.calibrator)), offloading };
}
