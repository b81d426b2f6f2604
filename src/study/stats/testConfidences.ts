import { nativeSoftmax } from '../../backend/nativeBlas';
import { expNonPositive } from './expNonPositive';

/**
 * The test side of the bootstrap's temperature refits: TS keeps every argmax, so a replicate's
 * refit changes only the test set's confidences, recomputed from logits shifted once.
 */

/** Logits shifted by their row maximum (all ≤ 0), per row: what the test side's confidences are computed from. */
export function shiftRows(logits: ArrayLike<number>, n: number, C: number): Float64Array {
  const d = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < C; k++) mx = Math.max(mx, logits[i * C + k]);
    for (let k = 0; k < C; k++) d[i * C + k] = logits[i * C + k] - mx;
  }
  return d;
}

/** Class-major copies of the shifted logits the native kernel reads, made once per array. */
const classMajor = new WeakMap<Float64Array, Float64Array>();

function classMajorOf(d: Float64Array, n: number, C: number): Float64Array {
  let t = classMajor.get(d);
  if (!t || t.length !== n * C) {
    t = new Float64Array(n * C);
    for (let i = 0; i < n; i++) for (let k = 0; k < C; k++) t[k * n + i] = d[i * C + k];
    classMajor.set(d, t);
  }
  return t;
}

/**
 * Confidences max softmax(β·z) of one exit's rows from row-max-shifted logits d: 1 / Σ_k e^{β·d_k}.
 * The bootstrap computes N·C exponentials per exit and replicate, so where the native addon is
 * built they run there (eight rows at a time, V8's exp algorithm, the same sum in the same order:
 * the same bits); otherwise `expNonPositive` gives Math.exp's bits, inlined. `jsOnly` forces the
 * JavaScript loop (the tests compare the two).
 */
export function temperatureConfidence(
  d: Float64Array,
  beta: number,
  n: number,
  C: number,
  jsOnly = false,
): Float64Array {
  const conf = new Float64Array(n);
  const kernel = jsOnly || n === 0 ? null : nativeSoftmax();
  if (kernel) {
    kernel.maxSoftmax(classMajorOf(d, n, C), C, beta, conf, false);
    return conf;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i * C, end = k + C; k < end; k++) s += expNonPositive(beta * d[k]);
    conf[i] = 1 / s;
  }
  return conf;
}

/**
 * Confidences of every exit under a per-exit temperature refit: exit e's at β = beta(e) when the
 * caller reads it (`read` undefined or null = every exit), else its uncalibrated ones from `base`,
 * without calling beta(e): a replicate never fits the temperature of an exit it does not read.
 */
export function confidencesRead(
  shifted: readonly Float64Array[],
  base: readonly Float64Array[],
  read: ReadonlySet<number> | null | undefined,
  beta: (e: number) => number,
  n: number,
  C: number,
): Float64Array[] {
  return shifted.map((d, e) => (!read || read.has(e) ? temperatureConfidence(d, beta(e), n, C) : base[e]));
}
