import type { FloatArray } from '../records/types';
import type { TopLabel } from './types';
import { checkProbabilities } from './checks';
import { rowArgmax } from '../records/logitRows';

/** Top-label predictions with the predicted class kept (what accuracy and the adapters need). */
export interface TopLabelPredictions extends TopLabel {
  /** argmax_k p[i, k] (first index on ties). */
  prediction: Int32Array;
}

/**
 * Reduce N×C probabilities to (confidence, correct) pairs: confidence = max_k p[i, k],
 * prediction = argmax (first on ties), correct = prediction === label. The one multiclass →
 * top-label adapter (relplot's `multiclass_logits_to_confidences`).
 */
export function topLabelOf(probs: FloatArray, labels: Int32Array, numClasses: number): TopLabelPredictions {
  checkProbabilities(probs, labels, numClasses, 'topLabelOf');
  const C = numClasses;
  const n = labels.length;
  const confidence = new Float64Array(n);
  const prediction = new Int32Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const arg = rowArgmax(probs, i * C, C);
    confidence[i] = probs[i * C + arg];
    prediction[i] = arg;
    correct[i] = arg === labels[i] ? 1 : 0;
  }
  return { confidence, prediction, correct };
}

/** Top-label pairs from exit scores (confidence + prediction) and labels. */
export function topLabelFromScores(confidence: Float64Array, prediction: Int32Array, labels: Int32Array): TopLabel {
  const correct = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) correct[i] = prediction[i] === labels[i] ? 1 : 0;
  return { confidence, correct };
}
