import { ece } from '../../metrics/calibrationError';
import { quantileSorted } from '../../metrics/bootstrap';
import { createRng } from '../../util/rng';
import { binIndex, equalWidthEdges } from '../../metrics/binning';

/**
 * Finite-sample floor of the binned ECE: the ECE a *perfectly calibrated* model with exactly these
 * confidences would show on n samples, because binned ECE is biased upward. Each simulation draws
 * correct_i ~ Bernoulli(c_i) and measures the `bins`-bin ECE. Returns the mean and the 95th percentile.
 */
export function eceFloor(
  confidence: Float64Array,
  bins: number,
  simulations: number,
  seed: number,
): { mean: number; q95: number } {
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

/**
 * 95 % interval for the population's `bins`-bin ECE θ = Σ_b |E[(c − correct)·1{c ∈ b}]|.
 *
 * A percentile bootstrap of the plug-in ECE is centred on a statistic biased upward (|·| of a noisy
 * gap is larger than the gap on average), so it misses small true ECEs almost always. Instead this
 * bounds the error of the plug-in directly: with d_b = mean_i((c_i − correct_i)·1{c_i ∈ b}) and
 * D = Σ_b |d_b − E d_b|, the triangle inequality gives |ECE − θ| ≤ D for every sample. D is a sum of
 * |centred means|, which has no kink at the truth, so its bootstrap (D* = Σ_b |d*_b − d_b|) is
 * reliable; the interval is ECE ∓ q95(D*), clipped at 0. Coverage is ≥ 95 % up to the bootstrap's
 * accuracy, close to 95 % when θ ≈ 0 and conservative when the gaps are large (checked by
 * simulation on planted data in test/study/eceInterval.test.ts).
 */
export function eceInterval(
  confidence: Float64Array,
  correct: Uint8Array,
  bins: number,
  B: number,
  seed: number,
): [number, number] {
  const rng = createRng(seed);
  const n = confidence.length;
  const edges = equalWidthEdges(bins);
  const bin = Int32Array.from(confidence, (c) => binIndex(edges, c));
  const gap = Float64Array.from(confidence, (c, i) => c - correct[i]);
  const d = new Float64Array(bins);
  for (let i = 0; i < n; i++) d[bin[i]] += gap[i] / n;
  let point = 0;
  for (const v of d) point += Math.abs(v);
  const dStar = new Float64Array(bins);
  const dev = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    dStar.fill(0);
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      dStar[bin[j]] += gap[j] / n;
    }
    let D = 0;
    for (let b = 0; b < bins; b++) D += Math.abs(dStar[b] - d[b]);
    dev[r] = D;
  }
  dev.sort();
  const q = quantileSorted(dev, 0.95);
  return [Math.max(0, point - q), point + q];
}
