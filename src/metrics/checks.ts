import { EecalError, ShapeMismatchError } from '../errors';
import type { FloatArray } from '../records/types';

/**
 * Input checks shared by every metric, so bad input fails loudly with the field and index
 * instead of turning into a silent NaN.
 */

/**
 * Throws unless confidences are finite and in [0, 1], `correct` has the same length and every
 * correctness flag is 0 or 1 (a flag of 2 or 0.5 would silently give an ECE above 1 or a
 * meaningless accuracy per bin).
 */
export function checkTopLabel(confidence: FloatArray, correct: ArrayLike<number>, where = 'metric'): void {
  if (confidence.length !== correct.length) {
    throw new ShapeMismatchError(`${where}: ${confidence.length} confidences but ${correct.length} correctness flags`);
  }
  if (confidence.length === 0) throw new EecalError(`${where}: no samples (expected at least one confidence)`);
  for (let i = 0; i < confidence.length; i++) {
    const c = confidence[i];
    // Written so that NaN fails the test too.
    if (!(c >= 0 && c <= 1))
      throw new EecalError(`${where}: confidence[${i}] = ${c}: expected a probability in [0, 1]`);
    const k = correct[i];
    if (k !== 0 && k !== 1)
      throw new EecalError(`${where}: correct[${i}] = ${k}: expected 1 (prediction right) or 0 (wrong)`);
  }
}

/** Throws unless `probs` is N×C with entries in [0, 1] and labels are integers in [0, C). */
export function checkProbabilities(probs: FloatArray, labels: Int32Array, numClasses: number, where = 'metric'): void {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new EecalError(`${where}: numClasses = ${numClasses}: expected an integer ≥ 2`);
  }
  if (probs.length !== labels.length * numClasses) {
    throw new ShapeMismatchError(
      `${where}: probabilities have ${probs.length} entries, expected ${labels.length} samples × ${numClasses} classes = ${labels.length * numClasses}`,
    );
  }
  if (labels.length === 0) throw new EecalError(`${where}: no samples`);
  checkLabels(labels, numClasses, where);
  for (let j = 0; j < probs.length; j++) {
    const p = probs[j];
    if (!(p >= 0 && p <= 1)) {
      throw new EecalError(
        `${where}: probability of sample ${Math.floor(j / numClasses)}, class ${j % numClasses} is ${p}: expected a value in [0, 1]`,
      );
    }
  }
}

/** Throws unless every label is an integer in [0, C). */
export function checkLabels(labels: Int32Array, numClasses: number, where = 'metric'): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y < 0 || y >= numClasses)
      throw new EecalError(`${where}: label[${i}] = ${y}: expected a class in [0, ${numClasses - 1}]`);
  }
}

/** Throws unless `bins` is an integer ≥ 1. */
export function checkBins(bins: number, where = 'metric'): void {
  if (!Number.isInteger(bins) || bins < 1) throw new EecalError(`${where}: bins = ${bins}: expected an integer ≥ 1`);
}
