import type { FloatArray } from '../records/types';
import type { IdentityState } from './types';
import { BaseCalibrator, type FitOutcome } from './baseCalibrator';
import { softmaxRows } from './logitMath';
import { topLabelScores, type ExitScores } from '../records/scores';
import { nllFromLogits } from '../metrics/nll';
import { checkLogits } from './checkInputs';

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

  override scores(logits: FloatArray): ExitScores {
    const C = this.requireFitted('scores');
    checkLogits(logits, C, 'identity scores');
    return topLabelScores(logits, C, 1);
  }

  override nll(logits: FloatArray, labels: Int32Array): number {
    return nllFromLogits(logits, labels, this.requireFitted('nll'), 1);
  }

  override get scalingTemperature(): number {
    return 1;
  }

  protected apply(logits: FloatArray, numClasses: number): Float64Array {
    return softmaxRows(logits, numClasses);
  }

  protected state(): IdentityState {
    return { kind: 'identity' };
  }
}
