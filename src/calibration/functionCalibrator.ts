import type { FloatArray } from '../records/types';
import type { Calibrator, FitReport } from './types';
import type { ExitScores } from '../records/scores';
import { ConfigError, FitError, ShapeMismatchError } from '../errors';
import { checkLogits } from './checkInputs';
import { softmaxRows } from './logitMath';
import { rowMaxima } from '../records/logitRows';
import { nllFromLogits, nllFromProbabilities } from '../metrics/nll';

/**
 * A fitted calibration given as a function: M×C logits (row-major) → M×C calibrated logits (any
 * log-probabilities up to a constant per row) or probabilities. What a user's method returns when
 * its parameters fit none of the saved calibrator kinds (label smoothing, a small network …).
 */
export type CalibrationFunction = (logits: Float64Array) => Float64Array | ArrayLike<number>;

/** What a {@link CalibrationFunction} returns. */
export type CalibrationOutput = 'logits' | 'probabilities';

/**
 * A calibrator backed by a function, fitted by its method (not by `fit`). It works everywhere a
 * calibrator is scored (studies, figures, verdicts) but has no saved state: `toJSON` says, in one
 * line, that the method cannot be written to a calibration file.
 */
export class FunctionCalibrator implements Calibrator {
  readonly kind = 'function' as const;
  readonly fitted = true;
  readonly scalingTemperature = null;

  /**
   * @param methodId - the method that fitted it (named in every error).
   * @param exit - 1-based exit it calibrates (named in every error).
   */
  constructor(
    readonly methodId: string,
    readonly exit: number,
    private readonly map: CalibrationFunction,
    private readonly numClasses: number,
    readonly output: CalibrationOutput = 'logits',
    readonly report: FitReport | null = null,
  ) {}

  fit(): this {
    throw new ConfigError(
      `method "${this.methodId}": a function calibrator is fitted by its method's fit(), not refitted`,
    );
  }

  /** The function's output for these logits, checked: N×C finite values (probabilities: ≥ 0). */
  private mapped(logits: FloatArray): Float64Array {
    const C = this.numClasses;
    checkLogits(logits, C, `method "${this.methodId}" exit ${this.exit}`);
    const input = logits instanceof Float64Array ? logits.slice() : Float64Array.from(logits);
    let out: ArrayLike<number>;
    try {
      out = this.map(input);
    } catch (err) {
      throw new FitError(
        `method "${this.methodId}" exit ${this.exit}: its calibration function threw: ${(err as Error)?.message ?? String(err)}`,
        { cause: err },
      );
    }
    if (!out || typeof out.length !== 'number' || out.length !== logits.length) {
      throw new ShapeMismatchError(
        `method "${this.methodId}" exit ${this.exit}: its calibration function returned ${out && typeof out.length === 'number' ? out.length : 'no array of'} values for ${logits.length / C} rows × ${C} classes (expected ${logits.length})`,
      );
    }
    const values = out instanceof Float64Array ? out : Float64Array.from(out);
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      const bad = this.output === 'probabilities' ? !(v >= 0 && Number.isFinite(v)) : !Number.isFinite(v);
      if (bad)
        throw new FitError(
          `method "${this.methodId}" exit ${this.exit}: calibrated ${this.output} of sample ${Math.floor(j / C)}, class ${j % C} is ${v}`,
        );
    }
    return values;
  }

  probabilities(logits: FloatArray): Float64Array {
    const C = this.numClasses;
    const out = this.mapped(logits);
    if (this.output === 'logits') return softmaxRows(out, C);
    // Probabilities are renormalised per row: a function may return unnormalised scores.
    for (let i = 0; i < out.length / C; i++) {
      let s = 0;
      for (let k = 0; k < C; k++) s += out[i * C + k];
      if (!(s > 0))
        throw new FitError(
          `method "${this.methodId}" exit ${this.exit}: calibrated probabilities of sample ${i} sum to ${s}`,
        );
      for (let k = 0; k < C; k++) out[i * C + k] /= s;
    }
    return out;
  }

  scores(logits: FloatArray): ExitScores {
    return rowMaxima(this.probabilities(logits), this.numClasses);
  }

  nll(logits: FloatArray, labels: Int32Array): number {
    // Calibrated logits: the NLL in log space (exact where a probability underflows to 0).
    if (this.output === 'logits') return nllFromLogits(this.mapped(logits), labels, this.numClasses, 1);
    return nllFromProbabilities(this.probabilities(logits), labels, this.numClasses);
  }

  toJSON(): never {
    throw new ConfigError(
      `method "${this.methodId}" calibrates with a function, which cannot be written to a calibration file (only the built-in calibrator kinds can)`,
    );
  }
}
