import type { FloatArray } from '../records/types';
import { EecalError, ShapeMismatchError } from '../errors';

/**
 * Validate a calibrator's fitting data: N×C finite logits and integer labels in [0, C).
 * NaN/Inf logits and out-of-range labels are errors naming the sample and class; classes that
 * never occur are returned as warnings (fitting still works, but per-class parameters of vector
 * and matrix scaling are then driven only by regularisation).
 * @returns warnings (possibly empty).
 */
export function checkFitInputs(logits: FloatArray, labels: Int32Array, numClasses: number, where: string): string[] {
  checkLogits(logits, numClasses, where);
  const n = logits.length / numClasses;
  if (labels.length !== n) throw new ShapeMismatchError(`${where}: ${n} logit rows but ${labels.length} labels`);
  const seen = new Uint8Array(numClasses);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < numClasses))
      throw new EecalError(`${where}: label of sample ${i} is ${y}: expected a class in [0, ${numClasses - 1}]`);
    seen[y] = 1;
  }
  const missing: number[] = [];
  for (let k = 0; k < numClasses; k++) if (!seen[k]) missing.push(k);
  return missing.length > 0
    ? [
        `${where}: class${missing.length > 1 ? 'es' : ''} ${missing.join(', ')} never occur${missing.length > 1 ? '' : 's'} in the ${n} fitting samples`,
      ]
    : [];
}

/** Throws unless `logits` is a non-empty N×C matrix of finite numbers and C ≥ 2. */
export function checkLogits(logits: FloatArray, numClasses: number, where: string): void {
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new EecalError(`${where}: numClasses = ${numClasses}: expected an integer ≥ 2`);
  if (logits.length === 0)
    throw new EecalError(`${where}: no samples (expected at least one row of ${numClasses} logits)`);
  if (logits.length % numClasses !== 0) {
    throw new ShapeMismatchError(
      `${where}: ${logits.length} logits is not a whole number of rows of ${numClasses} classes`,
    );
  }
  for (let j = 0; j < logits.length; j++) {
    if (!Number.isFinite(logits[j])) {
      throw new EecalError(
        `${where}: logit of sample ${Math.floor(j / numClasses)}, class ${j % numClasses} is ${logits[j]}: NaN/Inf logits cannot be calibrated`,
      );
    }
  }
}
