import type { FloatArray } from '../records/types';
import type { VectorState } from './types';
import { BaseCalibrator, type FitOutcome } from './baseCalibrator';
import { applyAffine, fitAffine, type AffineParams } from './affineLogits';
import { softmaxRows } from './logitMath';
import { RecordFormatError } from '../errors';

/** Options of {@link VectorScaling}. */
export interface VectorScalingOptions {
  /** Bias penalty μ (default 0: plain vector scaling as in Guo et al. 2017). */
  mu?: number;
  /** L-BFGS iterations at most (default 1000). */
  maxIterations?: number;
}

/**
 * Vector scaling (Guo et al. 2017): p = softmax(w ⊙ z + b), a per-class weight and bias fitted by
 * minimising the validation NLL (+ optional μ/C Σ b²). Can change the argmax.
 */
export class VectorScaling extends BaseCalibrator {
  readonly kind = 'vector' as const;
  private params: AffineParams | null = null;

  constructor(private readonly options: VectorScalingOptions = {}) {
    super();
  }

  /** Load a saved state. */
  static fromState(state: VectorState, numClasses: number): VectorScaling {
    const ok =
      Array.isArray(state.weights) &&
      Array.isArray(state.biases) &&
      state.weights.length === numClasses &&
      state.biases.length === numClasses;
    if (!ok || ![...state.weights, ...state.biases].every(Number.isFinite)) {
      throw new RecordFormatError(
        `vector calibrator: "weights" and "biases" must be ${numClasses} finite numbers each`,
      );
    }
    const c = new VectorScaling();
    c.params = {
      structure: 'diagonal',
      numClasses,
      weights: Float64Array.from(state.weights),
      biases: Float64Array.from(state.biases),
    };
    c.markLoaded(numClasses);
    return c;
  }

  protected fitParameters(logits: FloatArray, labels: Int32Array, numClasses: number): FitOutcome {
    const { params, result } = fitAffine(
      logits,
      labels,
      numClasses,
      'diagonal',
      0,
      this.options.mu ?? 0,
      this.options.maxIterations,
    );
    this.params = params;
    const warnings = result.converged
      ? []
      : [
          `vector: L-BFGS stopped after ${result.iterations} iterations with ‖g‖∞ = ${result.gradientNorm.toExponential(2)}`,
        ];
    return { iterations: result.iterations, converged: result.converged, warnings };
  }

  protected apply(logits: FloatArray, numClasses: number): Float64Array {
    return softmaxRows(applyAffine(this.params!, logits), numClasses);
  }

  protected state(): VectorState {
    return { kind: 'vector', weights: [...this.params!.weights], biases: [...this.params!.biases] };
  }
}
