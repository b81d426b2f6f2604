import type { ExitRecords, FloatArray } from './types';
import { rowArgmax, shiftedExpSum } from './logitRows';

/**
 * Top-label view of one exit: what the offloading rule and most calibration metrics consume.
 * confidence[i] = max_k softmax(z_i / T)[k], prediction[i] = argmax_k z_i[k].
 */
export interface ExitScores {
  confidence: Float64Array;
  prediction: Int32Array;
}

/**
 * Max-softmax confidence and argmax of row-major N×C logits at temperature T, numerically
 * stable (log-sum-exp: subtract the row max before exponentiating).
 */
export function topLabelScores(logits: FloatArray, numClasses: number, temperature = 1): ExitScores {
  const C = numClasses;
  const n = Math.floor(logits.length / C);
  const confidence = new Float64Array(n);
  const prediction = new Int32Array(n);
  const invT = 1 / temperature;
  for (let i = 0; i < n; i++) {
    const base = i * C;
    const arg = rowArgmax(logits, base, C);
    // The top class contributes exp(0) = 1, so confidence = 1 / Σ exp((z_k − z_max)/T).
    confidence[i] = 1 / shiftedExpSum(logits, base, C, logits[base + arg], invT);
    prediction[i] = arg;
  }
  return { confidence, prediction };
}

/** Uncalibrated (T = 1) scores of every exit. */
export function uncalibratedScores(records: ExitRecords): ExitScores[] {
  return records.logits.map((l) => topLabelScores(l, records.numClasses, 1));
}
