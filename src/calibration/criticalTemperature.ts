import type { FloatArray } from '../records/types';

/**
 * Critical temperatures: for each sample, the largest T at which its max-softmax confidence
 * still reaches p_tar. Confidence c(T) = 1 / Σ_k e^{(z_k − z_max)/T} falls monotonically as T
 * grows, so "exit i answers at temperature T" is exactly "T ≤ τ_i(x)". This turns the
 * offloading objective into a function of a few sorted breakpoints per exit.
 *
 * In β = 1/T: S(β) = ln Σ_k e^{β d_k} (d = z − z_max ≤ 0) is convex and decreasing from ln C to
 * ln m (m = number of tied maxima); the sample passes iff S(β) ≤ −ln p_tar. Newton from β = 0
 * approaches the root monotonically from the left (a convex decreasing function's tangents lie
 * below it), so no safeguard is needed.
 * @returns τ per sample: +∞ when it passes at every T (p_tar ≤ 1/C), 0 when it passes at no
 *   finite T (p_tar ≥ 1/m, e.g. p_tar = 1).
 */
export function criticalTemperatures(logits: FloatArray, numClasses: number, pTar: number): Float64Array {
  const C = numClasses;
  const n = Math.floor(logits.length / C);
  const target = -Math.log(pTar);
  const out = new Float64Array(n);
  const d = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    const base = i * C;
    let max = -Infinity;
    for (let k = 0; k < C; k++) if (logits[base + k] > max) max = logits[base + k];
    let ties = 0;
    for (let k = 0; k < C; k++) {
      d[k] = logits[base + k] - max;
      if (d[k] === 0) ties++;
    }
    if (Math.log(C) <= target) {
      out[i] = Infinity;
      continue;
    }
    if (Math.log(ties) >= target) {
      out[i] = 0;
      continue;
    }
    let beta = 0;
    for (let it = 0; it < 200; it++) {
      let s = 0;
      let m1 = 0;
      for (let k = 0; k < C; k++) {
        const e = Math.exp(beta * d[k]);
        s += e;
        m1 += e * d[k];
      }
      const S = Math.log(s);
      const slope = m1 / s; // dS/dβ = E_p[d] < 0
      const step = (S - target) / slope;
      // step ≤ 0 by monotone convergence; stop once it no longer moves β.
      if (!(step < 0) || beta - step === beta) break;
      beta -= step;
    }
    out[i] = 1 / beta;
  }
  return out;
}
