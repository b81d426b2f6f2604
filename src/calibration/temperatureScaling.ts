import type { FloatArray } from '../records/types';
import type { TemperatureState } from './types';
import { BaseCalibrator, type FitOutcome } from './baseCalibrator';
import { softmaxRows } from './logitMath';
import { fitTemperatureExact, type ExactTemperatureOptions, type TemperatureFitResult } from './temperatureFit';
import { fitTemperatureTorchLbfgs, type TorchLbfgsOptions } from './torchLbfgs';
import { EecalError, FitError } from '../errors';
import { topLabelScores, type ExitScores } from '../records/scores';
import { nllFromLogits } from '../metrics/nll';
import { checkLogits } from './checkInputs';

/** How the temperature is found. */
export type TemperatureOptimizer = 'exact' | 'torch-lbfgs';

/** Options of {@link TemperatureScaling}. */
export interface TemperatureScalingOptions extends ExactTemperatureOptions {
  /** 'exact' (default): converged NLL optimum; 'torch-lbfgs': the paper code's unconverged fit. */
  optimizer?: TemperatureOptimizer;
  /** Settings of the torch-lbfgs emulation (lr 0.01, 50 iterations, T₀ = 1.5 by default). */
  torch?: TorchLbfgsOptions;
  /** Bins of the ECE in the fit report (default 15). */
  reportBins?: number;
}

/**
 * Temperature scaling (Guo et al. 2017): p = softmax(z / T) with one T > 0 fitted by minimising
 * the validation NLL. Does not change the argmax. See docs/paper-notes.md#temperature-scaling.
 */
export class TemperatureScaling extends BaseCalibrator {
  readonly kind = 'temperature' as const;
  private T = 1;
  private lastSolve: TemperatureFitResult | null = null;

  constructor(private readonly options: TemperatureScalingOptions = {}) {
    super();
    this.reportBins = options.reportBins ?? 15;
  }

  /** A calibrator with a known temperature (no fitting). */
  static withTemperature(temperature: number, numClasses: number): TemperatureScaling {
    if (!(temperature > 0 && Number.isFinite(temperature))) {
      throw new EecalError(`temperature calibrator: temperature ${temperature}: expected a finite T > 0`);
    }
    const c = new TemperatureScaling();
    c.T = temperature;
    c.markLoaded(numClasses);
    return c;
  }

  /** The fitted temperature T. */
  get temperature(): number {
    this.requireFitted('temperature');
    return this.T;
  }

  /** Details of the last solve (iterations, relative gradient, bound hit), null before fit. */
  get solve(): TemperatureFitResult | null {
    return this.lastSolve;
  }

  protected fitParameters(logits: FloatArray, labels: Int32Array, numClasses: number): FitOutcome {
    const o = this.options;
    const r =
      o.optimizer === 'torch-lbfgs'
        ? fitTemperatureTorchLbfgs(logits, labels, numClasses, o.torch)
        : fitTemperatureExact(logits, labels, numClasses, o);
    if (!Number.isFinite(r.nll) || !Number.isFinite(r.relativeGradient)) {
      // A NaN/Inf loss or gradient means the fit never moved: keeping T = 1 would silently switch
      // this exit's calibration off, so it is an error (exit 3), not a warning.
      throw new FitError(
        `temperature fit (${o.optimizer ?? 'exact'}) failed: NLL ${r.nll}, relative gradient ${r.relativeGradient} at T = ${r.temperature} ` +
          `(largest |logit| ${maxAbs(logits).toExponential(3)}; logits this large overflow softmax's moments)`,
      );
    }
    if (!(r.temperature > 0 && Number.isFinite(r.temperature))) {
      throw new FitError(
        `temperature fit (${o.optimizer ?? 'exact'}) ended at T = ${r.temperature}; a temperature must be > 0 (${r.warnings.join('; ')})`,
      );
    }
    this.T = r.temperature;
    this.lastSolve = r;
    return { iterations: r.iterations, converged: r.converged, warnings: [...r.warnings] };
  }

  // softmax(z / T) never needs the N×C matrix for top-label scores or the NLL (log space).
  override scores(logits: FloatArray): ExitScores {
    const C = this.requireFitted('scores');
    checkLogits(logits, C, 'temperature scores');
    return topLabelScores(logits, C, this.T);
  }

  override nll(logits: FloatArray, labels: Int32Array): number {
    return nllFromLogits(logits, labels, this.requireFitted('nll'), this.T);
  }

  override get scalingTemperature(): number {
    return this.temperature;
  }

  protected apply(logits: FloatArray, numClasses: number): Float64Array {
    return softmaxRows(logits, numClasses, this.T);
  }

  protected state(): TemperatureState {
    return { kind: 'temperature', temperature: this.T };
  }
}

function maxAbs(values: FloatArray): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}
