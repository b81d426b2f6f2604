import type { FloatArray } from '../records/types';
import type { MatrixState } from './types';
import { BaseCalibrator, type FitOutcome } from './baseCalibrator';
import { applyAffine, fitAffine, type AffineParams } from './affineLogits';
import { softmaxRows } from './logitMath';
import { RecordFormatError } from '../errors';

/** Options of {@link MatrixScaling}. */
export interface MatrixScalingOptions {
  /** Off-diagonal penalty λ (ODIR; default 1e-3). */
  lambda?: number;
  /** Bias penalty μ (ODIR; default 1e-3). */
  mu?: number;
  /** L-BFGS iterations at most (default 1000). */
  maxIterations?: number;
}

/**
 * Matrix scaling with off-diagonal and intercept regularisation (ODIR, Kull et al. 2019):
 * p = softmax(W z + b), minimising mean NLL + λ/(C(C−1)) Σ_{j≠l} W_jl² + μ/C Σ b_j².
 * Unregularised matrix scaling (Guo et al. 2017) overfits with C² parameters; ODIR keeps the
 * diagonal free and shrinks the rest. Choose λ, μ on held-out data.
 */
export class MatrixScaling extends BaseCalibrator {
  readonly kind = 'matrix' as const;
  private params: AffineParams | null = null;
  private readonly lambda: number;
  private readonly mu: number;

  constructor(private readonly options: MatrixScalingOptions = {}) {
    super();
    this.lambda = options.lambda ?? 1e-3;
    this.mu = options.mu ?? 1e-3;
  }

  /** Load a saved state. */
  static fromState(state: MatrixState, numClasses: number): MatrixScaling {
    const C = numClasses;
    const rows =
      Array.isArray(state.weights) &&
      state.weights.length === C &&
      state.weights.every((r) => Array.isArray(r) && r.length === C);
    if (
      !rows ||
      !Array.isArray(state.biases) ||
      state.biases.length !== C ||
      ![...state.weights.flat(), ...state.biases].every(Number.isFinite)
    ) {
      throw new RecordFormatError(`matrix calibrator: "weights" must be ${C}×${C} and "biases" ${C} finite numbers`);
    }
    const c = new MatrixScaling({ lambda: Number(state.lambda), mu: Number(state.mu) });
    c.params = {
      structure: 'full',
      numClasses: C,
      weights: Float64Array.from(state.weights.flat()),
      biases: Float64Array.from(state.biases),
    };
    c.markLoaded(C);
    return c;
  }

  protected fitParameters(logits: FloatArray, labels: Int32Array, numClasses: number): FitOutcome {
    const { params, result } = fitAffine(
      logits,
      labels,
      numClasses,
      'full',
      this.lambda,
      this.mu,
      this.options.maxIterations,
    );
    this.params = params;
    const warnings = result.converged
      ? []
      : [
          `matrix: L-BFGS stopped after ${result.iterations} iterations with ‖g‖∞ = ${result.gradientNorm.toExponential(2)}`,
        ];
    return { iterations: result.iterations, converged: result.converged, warnings };
  }

  protected apply(logits: FloatArray, numClasses: number): Float64Array {
    return softmaxRows(applyAffine(this.params!, logits), numClasses);
  }

  protected state(): MatrixState {
    const C = this.params!.numClasses;
    const weights = Array.from({ length: C }, (_, j) => [...this.params!.weights.subarray(j * C, (j + 1) * C)]);
    return { kind: 'matrix', weights, biases: [...this.params!.biases], lambda: this.lambda, mu: this.mu };
  }
}
