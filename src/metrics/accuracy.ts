import { ShapeMismatchError, EecalError } from '../errors';

/** Fraction of predictions equal to the labels. */
export function accuracy(prediction: Int32Array, labels: Int32Array): number {
  if (prediction.length !== labels.length) {
    throw new ShapeMismatchError(`accuracy: ${prediction.length} predictions but ${labels.length} labels`);
  }
  if (labels.length === 0) throw new EecalError('accuracy: no samples');
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (prediction[i] === labels[i]) hits++;
  return hits / labels.length;
}
