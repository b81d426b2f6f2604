import type { FloatArray } from '../records/types';
import { rowArgmax, shiftedExpSum } from '../records/logitRows';
import { checkLabels, checkProbabilities } from './checks';
import { EecalError, ShapeMismatchError } from '../errors';

/**
 * Negative log-likelihood (mean cross-entropy, nats) of probabilities: −(1/N) Σ_i ln p[i, y_i].
 * A probability of exactly 0 (underflow, or a binning calibrator's 0) is floored at the smallest
 * positive double, so it costs 744.4 nats instead of turning the mean into Infinity.
 */
export function nllFromProbabilities(probs: FloatArray, labels: Int32Array, numClasses: number): number {
  checkProbabilities(probs, labels, numClasses, 'nll');
  let sum = 0;
  for (let i = 0; i < labels.length; i++)
    sum -= Math.log(Math.max(probs[i * numClasses + labels[i]], Number.MIN_VALUE));
  return sum / labels.length;
}

/**
 * NLL of softmax(z / T) computed from logits in log space (log-sum-exp), what PyTorch's
 * `CrossEntropyLoss(z / T, y)` returns; exact even where probabilities underflow.
 * @param temperature - T > 0 (default 1).
 */
export function nllFromLogits(logits: FloatArray, labels: Int32Array, numClasses: number, temperature = 1): number {
  const C = numClasses;
  if (logits.length !== labels.length * C) {
    throw new ShapeMismatchError(`nll: logits have ${logits.length} entries, expected ${labels.length} × ${C}`);
  }
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new EecalError(`nll: temperature ${temperature}: expected a finite T > 0`);
  checkLabels(labels, C, 'nll');
  const invT = 1 / temperature;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const base = i * C;
    const max = logits[base + rowArgmax(logits, base, C)];
    sum += Math.log(shiftedExpSum(logits, base, C, max, invT)) - (logits[base + labels[i]] - max) * invT;
  }
  if (!Number.isFinite(sum)) throw new EecalError('nll: logits contain NaN or ±Infinity');
  return sum / labels.length;
}
