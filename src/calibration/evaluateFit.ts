import type { FloatArray } from '../records/types';
import type { BeforeAfter } from './types';
import { softmaxRows } from './logitMath';
import { topLabelOf } from '../metrics/topLabel';
import { nllFromProbabilities } from '../metrics/nll';
import { ece } from '../metrics/calibrationError';

export type { BeforeAfter } from './types';

/**
 * Compare uncalibrated and calibrated probabilities of the same logits.
 * @param calibrated - calibrated N×C probabilities of `logits`.
 * @param bins - equal-width ECE bins (default 15).
 */
export function beforeAfter(
  logits: FloatArray,
  calibrated: Float64Array,
  labels: Int32Array,
  numClasses: number,
  bins = 15,
): BeforeAfter {
  const before = softmaxRows(logits, numClasses);
  const tb = topLabelOf(before, labels, numClasses);
  const ta = topLabelOf(calibrated, labels, numClasses);
  const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
  return {
    nllBefore: nllFromProbabilities(before, labels, numClasses),
    nllAfter: nllFromProbabilities(calibrated, labels, numClasses),
    eceBefore: ece(tb.confidence, tb.correct, { bins }),
    eceAfter: ece(ta.confidence, ta.correct, { bins }),
    accuracyBefore: mean(tb.correct),
    accuracyAfter: mean(ta.correct),
  };
}
