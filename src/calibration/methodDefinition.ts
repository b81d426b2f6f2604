import type { ExitRecords } from '../records/types';
import type { Fallback } from '../cascade/runCascade';
import type { ExitLatency } from '../cascade/exitLatency';
import type { ExitFit } from './earlyExit';
import type { OffloadingTemperatureResult } from './offloadingTemperatures';
import type { TemperatureOptimizer } from './temperatureScaling';
import type { FitReport } from './types';
import { FunctionCalibrator, type CalibrationFunction, type CalibrationOutput } from './functionCalibrator';
import { IdentityCalibrator } from './identity';
import { beforeAfter } from './evaluateFit';
import { OptionError } from '../errors';

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

/** What a method's fit returns: one fit per exit, and the offloading summary of §3.4 if any. */
export interface MethodFit {
  exits: ExitFit[];
  offloading: OffloadingTemperatureResult | null;
}

/**
 * A calibration method: what every study, figure, table, verdict and CLI command accepts. The
 * built-in methods (`CALIBRATION_METHODS`) are values of this type, and so is a user's method:
 * nothing is registered anywhere. `fit` maps validation records to one fitted calibrator per exit
 * (index 0 = exit 1); a calibrator may be a function ({@link perExitMethod}), which every study
 * scores but no calibration file can hold.
 */
export interface CalibrationMethodDefinition {
  /** Key of claims, tables, styles and caches (`k1-outage:<id>`); unique among the compared methods. */
  readonly id: string;
  /** Display name in figures, tables and reports. */
  readonly label: string;
  /** One line: what the method fits (help texts, notebooks). */
  readonly describe?: string;
  /** Whether the fit depends on p_tar (then `fit` receives the p_tar of the study). */
  readonly needsPTar?: boolean;
  /** Fit on validation records; `opts.pTar` is set when `needsPTar`. */
  fit(records: ExitRecords, opts: CalibrateOptions & { pTar: number }): MethodFit;
}

/**
 * The method-module contract: `fit` receives one exit's validation logits (row-major N×C), labels
 * and C, and returns the calibration of that exit as a function of M×C logits.
 */
export interface PerExitMethod {
  id: string;
  label: string;
  describe?: string;
  /** What the returned function gives: calibrated logits (default; log-probabilities up to a row constant) or probabilities. */
  output?: CalibrationOutput;
  fit(logits: Float64Array, labels: Int32Array, numClasses: number): CalibrationFunction;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Check a method object a user wrote (a notebook cell, a method module): id, label and fit, each
 * named in a one-line error that starts with `where` (e.g. "PLAY.methods[2]", "--method-module m.mjs").
 */
export function checkMethodShape(value: unknown, where: string, kind: 'records' | 'per-exit' = 'records'): void {
  if (!value || typeof value !== 'object')
    throw new OptionError(
      ['method'],
      `${where}: expected a method object { id, label, fit }, found ${value === null ? 'null' : typeof value}`,
    );
  const m = value as Partial<CalibrationMethodDefinition>;
  if (typeof m.id !== 'string' || !ID.test(m.id)) {
    throw new OptionError(
      ['method'],
      `${where}: "id" must be a string of letters, digits, '.', '_' or '-' (it becomes part of claim ids), found ${JSON.stringify(m.id) ?? String(m.id)}`,
    );
  }
  if (typeof m.label !== 'string' || m.label.trim() === '')
    throw new OptionError(['method'], `${where} ("${m.id}"): "label" must be a non-empty string`);
  if (typeof m.fit !== 'function') {
    throw new OptionError(
      ['method'],
      `${where} ("${m.id}"): "fit" must be a function ${kind === 'per-exit' ? '(logits, labels, numClasses) => (logits) => calibrated logits' : '(records, options) => { exits, offloading }'}`,
    );
  }
  const out = (m as Partial<PerExitMethod>).output;
  if (kind === 'per-exit' && out !== undefined && out !== 'logits' && out !== 'probabilities') {
    throw new OptionError(
      ['method'],
      `${where} ("${m.id}"): "output" must be "logits" or "probabilities", found ${JSON.stringify(out)}`,
    );
  }
}

/**
 * A method from a per-exit fit (the method-module contract): each selected exit's calibrator is
 * `def.fit` on that exit's validation logits; other exits stay uncalibrated. The calibrators are
 * functions, so the method runs everywhere but cannot be written to a calibration file.
 */
export function perExitMethod(def: PerExitMethod): CalibrationMethodDefinition {
  checkMethodShape(def, `method "${(def as { id?: unknown })?.id}"`, 'per-exit');
  const output = def.output ?? 'logits';
  return {
    id: def.id,
    label: def.label,
    describe: def.describe ?? `${def.label} (a user's per-exit calibration)`,
    needsPTar: false,
    fit(records, opts) {
      const C = records.numClasses;
      const chosen = new Set(opts.exits ?? records.logits.map((_, e) => e + 1));
      return {
        offloading: null,
        exits: records.logits.map((logits, e): ExitFit => {
          if (!chosen.has(e + 1))
            return {
              exit: e + 1,
              calibrator: new IdentityCalibrator(C),
              fitSamples: 0,
              note: `exit ${e + 1} not selected; left uncalibrated`,
              report: null,
            };
          // A copy: the user's fit may keep or modify its input.
          const fn = def.fit(Float64Array.from(logits), records.labels.slice(), C);
          if (typeof fn !== 'function')
            throw new OptionError(
              ['method'],
              `method "${def.id}": fit() on exit ${e + 1} returned ${typeof fn}, expected a function (logits) => calibrated ${output}`,
            );
          const probe = new FunctionCalibrator(def.id, e + 1, fn, C, output);
          const report: FitReport = {
            samples: records.numSamples,
            iterations: null,
            converged: true,
            warnings: [],
            ...beforeAfter(logits, probe.probabilities(logits), records.labels, C),
          };
          return {
            exit: e + 1,
            calibrator: new FunctionCalibrator(def.id, e + 1, fn, C, output, report),
            fitSamples: records.numSamples,
            note: null,
            report,
          };
        }),
      };
    },
  };
}
