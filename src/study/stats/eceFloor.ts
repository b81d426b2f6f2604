import { ece } from '../../metrics/calibrationError';
import { quantileSorted } from '../../metrics/bootstrap';
import { createRng } from '../../util/rng';

/**
 * Finite-sample floor of the binned ECE: the ECE a *perfectly calibrated* model with exactly these
 * confidences would show on n samples, because binned ECE is biased upward. Each simulation draws
 * correct_i ~ Bernoulli(c_i) and measures the `bins`-bin ECE. Returns the mean and the 95th percentile.
 */
export function eceFloor(confidence: Float64Array, bins: number, simulations: number, seed: number): { mean: number; q95: number } {
  const rng = createRng(seed);
  const n = confidence.length;
  const correct = new Uint8Array(n);
  const out = new Float64Array(simulations);
  for (let s = 0; s < simulations; s++) {
    for (let i = 0; i < n; i++) correct[i] = rng.next() < confidence[i] ? 1 : 0;
    out[s] = ece(confidence, correct, { bins });
  }
  let sum = 0;
  for (const v of out) sum += v;
  out.sort();
  return { mean: sum / simulations, q95: quantileSorted(out, 0.95) };
}

/** Percentile 95 % interval of the `bins`-bin ECE over B test resamples (seeded). */
export function eceInterval(confidence: Float64Array, correct: Uint8Array, bins: number, B: number, seed: number): [number, number] {
  const rng = createRng(seed);
  const n = confidence.length;
  const c = new Float64Array(n);
  const k = new Uint8Array(n);
  const out = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      c[i] = confidence[j];
      k[i] = correct[j];
    }
    out[r] = ece(c, k, { bins });
  }
  out.sort();
  return [quantileSorted(out, 0.025), quantileSorted(out, 0.975)];
}
