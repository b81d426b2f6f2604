import type { FloatArray } from '../records/types';
import { BaseCalibrator, type FitOutcome } from './baseCalibrator';
import { topLabelLogits, writeTopLabelRow, type TopLabelLogits } from './logitMath';

/**
 * Base of the calibrators of the confidence (top-label calibration, Guo et al. 2017 §4.1;
 * Kumar et al. 2019): fit a map g from the top-label confidence c to P(correct | c) on
 * (c_i, 1[ŷ_i = y_i]) pairs, then give the top class probability g(c) and share 1 − g(c) among
 * the other classes in proportion to their softmax. Subclasses implement `fitMap` and `map`.
 */
export abstract class TopLabelCalibrator extends BaseCalibrator {
  protected fitParameters(logits: FloatArray, labels: Int32Array, numClasses: number): FitOutcome {
    const t = topLabelLogits(logits, numClasses);
    const correct = new Uint8Array(labels.length);
    for (let i = 0; i < labels.length; i++) correct[i] = t.prediction[i] === labels[i] ? 1 : 0;
    return this.fitMap(t, correct);
  }

  protected apply(logits: FloatArray, numClasses: number): Float64Array {
    const t = topLabelLogits(logits, numClasses);
    const out = new Float64Array(logits.length);
    for (let i = 0; i < t.prediction.length; i++) {
      const g = Math.min(Math.max(this.map(t, i), 0), 1);
      writeTopLabelRow(logits, numClasses, i, t.prediction[i], g, out);
    }
    return out;
  }

  /**
   * Calibrated confidences g(c) of logits, without building the N×C matrix (what the offloading
   * rule needs).
   */
  confidences(logits: FloatArray): Float64Array {
    const C = this.requireFitted('confidences');
    const t = topLabelLogits(logits, C);
    const out = new Float64Array(t.prediction.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(this.map(t, i), 0), 1);
    return out;
  }

  /** Fit the map on the top-label data. */
  protected abstract fitMap(t: TopLabelLogits, correct: Uint8Array): FitOutcome;
  /** g for sample i of `t`. */
  protected abstract map(t: TopLabelLogits, i: number): number;
}
