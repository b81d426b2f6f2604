import type { FloatArray } from '../records/types';
import type { IdentityState } from './types';
import { BaseCalibrator, type FitOutcome } from './baseCalibrator';
import { softmaxRows } from './logitMath';

/** No calibration: p = softmax(z). Used for exits that are not calibrated. */
export class IdentityCalibrator extends BaseCalibrator {
  readonly kind = 'identity' as const;

  /** @param numClasses - when given, the calibrator is usable without `fit`. */
  constructor(numClasses?: number) {
    super();
    if (numClasses !== undefined) this.markLoaded(numClasses);
  }

  protected fitParameters(): FitOutcome {
    return { iterations: null, converged: true, warnings: [] };
  }

  protected apply(logits: FloatArray, numClasses: number): Float64Array {
    return softmaxRows(logits, numClasses);
  }

  protected state(): IdentityState {
    return { kind: 'identity' };
  }
}
