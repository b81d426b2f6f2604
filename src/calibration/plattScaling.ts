import type { PlattState } from './types';
import type { FitOutcome } from './baseCalibrator';
import { TopLabelCalibrator } from './topLabelCalibrator';
import { sigmoid, type TopLabelLogits } from './logitMath';
import { fitLogistic } from './logisticFit';
import { RecordFormatError } from '../errors';

/**
 * Platt scaling of the top-label confidence (Platt 1999, in the top-label form of Kumar et al.
 * 2019): g(c) = σ(a·logit(c) + b), fitted by maximum likelihood on (logit(c_i), correct_i).
 * logit(c) = ln c − ln(1 − c) is computed from the logits, so it stays finite when c rounds to 1.
 * No target smoothing (as scikit-learn and Kumar et al.).
 */
export class PlattScaling extends TopLabelCalibrator {
  readonly kind = 'platt' as const;
  private a = 1;
  private b = 0;

  /** Load a saved state. */
  static fromState(state: PlattState, numClasses: number): PlattScaling {
    if (!Number.isFinite(state.a) || !Number.isFinite(state.b))
      throw new RecordFormatError('platt calibrator: "a" and "b" must be finite numbers');
    const c = new PlattScaling();
    c.a = state.a;
    c.b = state.b;
    c.markLoaded(numClasses);
    return c;
  }

  protected fitMap(t: TopLabelLogits, correct: Uint8Array): FitOutcome {
    const logit = t.logConfidence.map((lc, i) => lc - t.logOneMinusConfidence[i]);
    const fit = fitLogistic([logit], correct);
    this.a = fit.coef[0];
    this.b = fit.intercept;
    return {
      iterations: fit.iterations,
      converged: fit.converged,
      warnings: separationWarning('platt', correct, fit.converged),
    };
  }

  protected map(t: TopLabelLogits, i: number): number {
    return sigmoid(this.a * (t.logConfidence[i] - t.logOneMinusConfidence[i]) + this.b);
  }

  protected state(): PlattState {
    return { kind: 'platt', a: this.a, b: this.b };
  }
}

/** Warn when all outcomes are equal or the fit did not converge (separable data). */
export function separationWarning(kind: string, correct: Uint8Array, converged: boolean): string[] {
  const hits = correct.reduce((s, v) => s + v, 0);
  if (hits === 0 || hits === correct.length) {
    return [
      `${kind}: every fitting prediction is ${hits === 0 ? 'wrong' : 'correct'}, so the maximum-likelihood map is degenerate (bounded only by a tiny ridge)`,
    ];
  }
  return converged
    ? []
    : [`${kind}: Newton did not converge (correct and wrong confidences may be perfectly separated)`];
}
