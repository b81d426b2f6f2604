import type { FloatArray } from '../records/types';

/**
 * Numerically stable softmax helpers shared by every calibrator (log-sum-exp: subtract the row
 * max before exponentiating, so no logit magnitude overflows).
 */

// Row-wise softmax lives with the rest of the row math (records/logitRows.ts).
export { softmaxRows } from '../records/logitRows';

/**
 * Top-label quantities computed in log space from logits, for calibrators of the confidence:
 * prediction = argmax (first on ties), confidence c = max softmax, ln c and ln(1 − c). ln(1 − c)
 * is computed from the non-top logits, so it stays finite even when c rounds to exactly 1.
 */
export interface TopLabelLogits {
  prediction: Int32Array;
  confidence: Float64Array;
  logConfidence: Float64Array;
  logOneMinusConfidence: Float64Array;
}

/** {@link TopLabelLogits} of every row. */
export function topLabelLogits(logits: FloatArray, numClasses: number): TopLabelLogits {
  const C = numClasses;
  const n = Math.floor(logits.length / C);
  const prediction = new Int32Array(n);
  const confidence = new Float64Array(n);
  const logConfidence = new Float64Array(n);
  const logOneMinusConfidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * C;
    let top = 0;
    for (let k = 1; k < C; k++) if (logits[base + k] > logits[base + top]) top = k;
    let second = -Infinity;
    for (let k = 0; k < C; k++) if (k !== top && logits[base + k] > second) second = logits[base + k];
    const zTop = logits[base + top];
    // rest = Σ_{k≠top} exp(z_k − second) ≥ 1, so ln(rest) + (second − zTop) is finite.
    let rest = 0;
    for (let k = 0; k < C; k++) if (k !== top) rest += Math.exp(logits[base + k] - second);
    const logRest = Math.log(rest) + (second - zTop);
    // ln Σ_all exp(z_k − zTop) = ln(1 + e^logRest), computed without cancellation.
    const logTotal = log1pExp(logRest);
    prediction[i] = top;
    logConfidence[i] = -logTotal;
    logOneMinusConfidence[i] = logRest - logTotal;
    confidence[i] = Math.exp(-logTotal);
  }
  return { prediction, confidence, logConfidence, logOneMinusConfidence };
}

/** ln(1 + e^x) without overflow or loss of precision. */
export function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Logistic function 1 / (1 + e^−x), stable for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Write a calibrated top-label distribution: the top class gets probability g, the other classes
 * share 1 − g in proportion to their softmax over the non-top logits (so their ranking is kept).
 * Used by calibrators of the confidence (histogram, isotonic, Platt, beta). If g falls below the
 * largest rescaled other probability, the argmax of the result moves to that class.
 */
export function writeTopLabelRow(
  logits: FloatArray,
  numClasses: number,
  i: number,
  top: number,
  g: number,
  out: Float64Array,
): void {
  const C = numClasses;
  const base = i * C;
  let second = -Infinity;
  for (let k = 0; k < C; k++) if (k !== top && logits[base + k] > second) second = logits[base + k];
  let sum = 0;
  for (let k = 0; k < C; k++) {
    if (k === top) continue;
    const e = Math.exp(logits[base + k] - second);
    out[base + k] = e;
    sum += e;
  }
  const scale = (1 - g) / sum;
  for (let k = 0; k < C; k++) out[base + k] = k === top ? g : out[base + k] * scale;
}
