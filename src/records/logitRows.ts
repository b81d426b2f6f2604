import type { FloatArray } from './types';

/**
 * Row-wise math on row-major N×C logits, in one place for every layer (records, metrics,
 * calibration, offloading, training): argmax, softmax, entropy, all numerically stable
 * (log-sum-exp: subtract the row max before exponentiating, so no logit magnitude overflows).
 */

/** Index of the largest entry of row `base … base+C−1` (first on ties). */
export function rowArgmax(logits: FloatArray, base: number, C: number): number {
  let arg = 0;
  let max = logits[base];
  for (let k = 1; k < C; k++) {
    if (logits[base + k] > max) {
      max = logits[base + k];
      arg = k;
    }
  }
  return arg;
}

/** Each row's largest probability and its class (first index on ties) of N×C row-major probabilities. */
export function rowMaxima(probs: FloatArray, C: number): { confidence: Float64Array; prediction: Int32Array } {
  const n = probs.length / C;
  const confidence = new Float64Array(n);
  const prediction = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const arg = rowArgmax(probs, i * C, C);
    confidence[i] = probs[i * C + arg];
    prediction[i] = arg;
  }
  return { confidence, prediction };
}

/** Σ_k exp((z_k − max)·invT) over one row: the softmax normaliser after the max shift. */
export function shiftedExpSum(logits: FloatArray, base: number, C: number, max: number, invT: number): number {
  let sum = 0;
  for (let k = 0; k < C; k++) sum += Math.exp((logits[base + k] - max) * invT);
  return sum;
}

/** argmax of every row (first on ties; the prediction does not depend on a temperature). */
export function argmaxRows(logits: FloatArray, numClasses: number): Int32Array {
  const n = Math.floor(logits.length / numClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rowArgmax(logits, i * numClasses, numClasses);
  return out;
}

/** softmax(z / T) of every row, into a new Float64Array. */
export function softmaxRows(logits: FloatArray, numClasses: number, temperature = 1): Float64Array {
  const C = numClasses;
  const n = Math.floor(logits.length / C);
  const out = new Float64Array(n * C);
  const invT = 1 / temperature;
  for (let i = 0; i < n; i++) {
    const base = i * C;
    const max = logits[base + rowArgmax(logits, base, C)];
    let sum = 0;
    for (let k = 0; k < C; k++) {
      const e = Math.exp((logits[base + k] - max) * invT);
      out[base + k] = e;
      sum += e;
    }
    for (let k = 0; k < C; k++) out[base + k] /= sum;
  }
  return out;
}

/** Shannon entropy in nats of softmax(z / T) of every row; exact where probabilities underflow. */
export function entropyRows(logits: FloatArray, numClasses: number, temperature = 1): Float64Array {
  const C = numClasses;
  const n = Math.floor(logits.length / C);
  const out = new Float64Array(n);
  const invT = 1 / temperature;
  for (let i = 0; i < n; i++) {
    const base = i * C;
    const max = logits[base + rowArgmax(logits, base, C)];
    let sum = 0;
    let weighted = 0;
    for (let k = 0; k < C; k++) {
      const s = (logits[base + k] - max) * invT;
      const e = Math.exp(s);
      sum += e;
      weighted += e * s;
    }
    // H = −Σ p log p with log p_k = s_k − log S:  H = log S − Σ p_k s_k  (both terms ≥ 0).
    out[i] = Math.log(sum) - weighted / sum;
  }
  return out;
}
