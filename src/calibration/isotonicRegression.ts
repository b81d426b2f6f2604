import type { IsotonicState } from './types';
import type { FitOutcome } from './baseCalibrator';
import { TopLabelCalibrator } from './topLabelCalibrator';
import type { TopLabelLogits } from './logitMath';
import { evaluateIsotonic, fitIsotonicKnots, type IsotonicKnots } from './pav';
import { RecordFormatError } from '../errors';

/**
 * Isotonic regression of the top-label confidence (Zadrozny & Elkan 2002; Guo et al. 2017):
 * the non-decreasing map g minimising Σ (g(c_i) − 1[correct_i])², fitted by PAV and evaluated by
 * linear interpolation between knots, clipped outside the fitted range — the same function as
 * scikit-learn's `IsotonicRegression(out_of_bounds='clip')` on the same data.
 */
export class IsotonicRegression extends TopLabelCalibrator {
  readonly kind = 'isotonic' as const;
  private knots: IsotonicKnots = { x: new Float64Array(0), y: new Float64Array(0) };

  /** Load a saved state. */
  static fromState(state: IsotonicState, numClasses: number): IsotonicRegression {
    const { x, y } = state;
    const ok =
      Array.isArray(x) &&
      Array.isArray(y) &&
      x.length === y.length &&
      x.length >= 1 &&
      x.every((v, i) => Number.isFinite(v) && (i === 0 || v > x[i - 1])) &&
      y.every((v, i) => v >= 0 && v <= 1 && (i === 0 || v >= y[i - 1]));
    if (!ok)
      throw new RecordFormatError(
        'isotonic calibrator: "x" must be increasing and "y" non-decreasing in [0, 1], both of the same non-zero length',
      );
    const c = new IsotonicRegression();
    c.knots = { x: Float64Array.from(x), y: Float64Array.from(y) };
    c.markLoaded(numClasses);
    return c;
  }

  protected fitMap(t: TopLabelLogits, correct: Uint8Array): FitOutcome {
    this.knots = fitIsotonicKnots(t.confidence, Float64Array.from(correct));
    return { iterations: null, converged: true, warnings: [] };
  }

  protected map(t: TopLabelLogits, i: number): number {
    return evaluateIsotonic(this.knots, t.confidence[i]);
  }

  protected state(): IsotonicState {
    return { kind: 'isotonic', x: [...this.knots.x], y: [...this.knots.y] };
  }
}
