import type { FloatArray } from '../records/types';
import type { Calibrator, CalibratorKind, CalibratorState, FitReport } from './types';
import { NotFittedError, ShapeMismatchError } from '../errors';
import { checkFitInputs, checkLogits } from './checkInputs';
import { beforeAfter } from './evaluateFit';
import type { ExitScores } from '../records/scores';
import { nllFromProbabilities } from '../metrics/nll';
import { rowMaxima } from '../records/logitRows';

/** Result of a kind-specific fit, before the common before/after evaluation. */
export interface FitOutcome {
  iterations: number | null;
  converged: boolean;
  warnings: string[];
}

/**
 * Shared plumbing of every calibrator: input checks, the NotFittedError guard, and the
 * before/after report (NLL, ECE, accuracy on the fitting data; a warning when ECE got worse).
 * Subclasses implement `fitParameters`, `apply` and `state`.
 */
export abstract class BaseCalibrator implements Calibrator {
  abstract readonly kind: CalibratorKind;
  protected numClasses: number | null = null;
  private lastReport: FitReport | null = null;
  /** Bins of the ECE in the fit report (default 15). */
  protected reportBins = 15;

  get fitted(): boolean {
    return this.numClasses !== null;
  }

  get report(): FitReport | null {
    return this.lastReport;
  }

  fit(logits: FloatArray, labels: Int32Array, numClasses: number): this {
    this.numClasses = null;
    this.lastReport = null;
    const warnings = checkFitInputs(logits, labels, numClasses, `${this.kind} fit`);
    const outcome = this.fitParameters(logits, labels, numClasses);
    this.numClasses = numClasses;
    this.lastReport = this.evaluate(logits, labels, numClasses, {
      ...outcome,
      warnings: [...warnings, ...outcome.warnings],
    });
    return this;
  }

  probabilities(logits: FloatArray): Float64Array {
    const C = this.requireFitted('probabilities');
    checkLogits(logits, C, `${this.kind} probabilities`);
    return this.apply(logits, C);
  }

  /**
   * Top-label scores: confidence = max calibrated probability, prediction = its argmax (first on
   * ties). Kinds that are softmax(z / T) override this with a path that never builds the N×C matrix.
   */
  scores(logits: FloatArray): ExitScores {
    return rowMaxima(this.probabilities(logits), this.numClasses as number);
  }

  /** Mean NLL (nats) of the calibrated probabilities; softmax(z / T) kinds compute it in log space. */
  nll(logits: FloatArray, labels: Int32Array): number {
    return nllFromProbabilities(this.probabilities(logits), labels, this.numClasses as number);
  }

  /** T when this calibrator is exactly softmax(z / T) (identity: 1), else null. */
  get scalingTemperature(): number | null {
    return null;
  }

  toJSON(): CalibratorState {
    this.requireFitted('toJSON');
    return this.state();
  }

  /** Mark as fitted for `numClasses` classes (used when loading a saved state). */
  protected markLoaded(numClasses: number): void {
    this.numClasses = numClasses;
  }

  protected requireFitted(method: string): number {
    if (this.numClasses === null) {
      throw new NotFittedError(
        `${this.kind} calibrator: ${method}() called before fit() (fit on validation logits first, or load a saved state)`,
      );
    }
    return this.numClasses;
  }

  protected checkClasses(expected: number, found: number, what: string): void {
    if (expected !== found)
      throw new ShapeMismatchError(`${this.kind} calibrator: ${what} has ${found} classes, expected ${expected}`);
  }

  private evaluate(logits: FloatArray, labels: Int32Array, C: number, outcome: FitOutcome): FitReport {
    const report: FitReport = {
      samples: labels.length,
      iterations: outcome.iterations,
      converged: outcome.converged,
      ...beforeAfter(logits, this.apply(logits, C), labels, C, this.reportBins),
      warnings: outcome.warnings,
    };
    if (report.eceAfter > report.eceBefore) {
      report.warnings.push(
        `${this.kind}: ECE on the fitting data got worse (${fmtPct(report.eceBefore)} → ${fmtPct(report.eceAfter)}); ` +
          'NLL-optimal calibration does not guarantee a lower binned ECE',
      );
    }
    return report;
  }

  /** Fit the kind's parameters on checked inputs. */
  protected abstract fitParameters(logits: FloatArray, labels: Int32Array, numClasses: number): FitOutcome;
  /** Calibrated N×C probabilities from checked logits. */
  protected abstract apply(logits: FloatArray, numClasses: number): Float64Array;
  /** The kind's saved state. */
  protected abstract state(): CalibratorState;
}

function fmtPct(v: number): string {
  return `${(100 * v).toFixed(2)}%`;
}
