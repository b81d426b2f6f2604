import type { BetaState } from './types';
import type { FitOutcome } from './baseCalibrator';
import { TopLabelCalibrator } from './topLabelCalibrator';
import { sigmoid, type TopLabelLogits } from './logitMath';
import { fitLogistic } from './logisticFit';
import { separationWarning } from './plattScaling';
import { RecordFormatError } from '../errors';

/**
 * Beta calibration of the top-label confidence (Kull, Silva Filho & Flach 2017):
 * g(c) = σ(a·ln c − b·ln(1 − c) + m), a, b ≥ 0, fitted as a logistic regression on the
 * features (ln c, −ln(1 − c)); if a coefficient comes out negative the fit is redone without
 * that feature (the `betacal` package's "abm" procedure), keeping the map monotone.
 */
export class BetaCalibration extends TopLabelCalibrator {
  readonly kind = 'beta' as const;
  private a = 1;
  private b = 1;
  private m = 0;

  /** Load a saved state. */
  static fromState(state: BetaState, numClasses: number): BetaCalibration {
    if (![state.a, state.b, state.m].every(Number.isFinite))
      throw new RecordFormatError('beta calibrator: "a", "b" and "m" must be finite numbers');
    const c = new BetaCalibration();
    c.a = state.a;
    c.b = state.b;
    c.m = state.m;
    c.markLoaded(numClasses);
    return c;
  }

  protected fitMap(t: TopLabelLogits, correct: Uint8Array): FitOutcome {
    const lnC = t.logConfidence;
    const negLn1mC = t.logOneMinusConfidence.map((v) => -v);
    let fit = fitLogistic([lnC, negLn1mC], correct);
    let iterations = fit.iterations;
    let [a, b] = fit.coef;
    if (a < 0) {
      fit = fitLogistic([negLn1mC], correct);
      [a, b] = [0, fit.coef[0]];
      iterations += fit.iterations;
    } else if (b < 0) {
      fit = fitLogistic([lnC], correct);
      [a, b] = [fit.coef[0], 0];
      iterations += fit.iterations;
    }
    this.a = a;
    this.b = b;
    this.m = fit.intercept;
    return { iterations, converged: fit.converged, warnings: separationWarning('beta', correct, fit.converged) };
  }

  protected map(t: TopLabelLogits, i: number): number {
    return sigmoid(this.a * t.logConfidence[i] - this.b * t.logOneMinusConfidence[i] + this.m);
  }

  protected state(): BetaState {
    return { kind: 'beta', a: this.a, b: this.b, m: this.m };
  }
}
