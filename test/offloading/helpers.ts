import type { ExitScores } from '../../src/records/scores';
import { createRng } from '../../src/util/rng';
import { keysFromScores, type CascadeKeys } from '../../src/cascade/cascadeKeys';

/** Exit scores from plain arrays (hand-built cases). */
export function scoresOf(conf: number[][], pred: number[][]): ExitScores[] {
  return conf.map((c, e) => ({ confidence: Float64Array.from(c), prediction: Int32Array.from(pred[e]) }));
}

/**
 * Random scores for E exits and n samples. Confidences are quantised to multiples of 1/`levels`
 * so that many coincide exactly with grid thresholds (ties exercise the `≥` rule).
 */
export function randomCase(
  seed: number,
  n: number,
  E: number,
  numClasses = 3,
  levels = 40,
): { scores: ExitScores[]; labels: Int32Array; keys: CascadeKeys } {
  const rng = createRng(seed);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = rng.int(numClasses);
  const scores: ExitScores[] = [];
  for (let e = 0; e < E; e++) {
    const confidence = new Float64Array(n);
    const prediction = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      confidence[i] = levels > 0 ? rng.int(levels + 1) / levels : rng.next();
      // Later exits are right more often, as in a trained network.
      prediction[i] = rng.next() < 0.4 + 0.15 * e ? labels[i] : rng.int(numClasses);
    }
    scores.push({ confidence, prediction });
  }
  return { scores, labels, keys: keysFromScores(scores, labels) };
}

/** Assert two numbers agree to a relative tolerance (for sums in a different order). */
export function close(a: number | null, b: number | null, tol = 1e-12): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}
