import type { ExitRecords } from '../../records/types';
import { scoreRecords, type CalibrationFile } from '../../calibration/index';
import { keysFromScores, type CascadeKeys } from '../../cascade/cascadeKeys';
import { subsetRecords } from './resample';

/**
 * How the bootstrap gets the calibrated side of one replicate: refit the calibration on the
 * validation rows `valIndices` (a resample; null = all rows once) and return the test set's cascade
 * keys under it.
 */
export type RefitKeys = (valIndices: Int32Array | null) => CascadeKeys;

/** The general path: any method fitted by `fit` on the resampled records, test scored with `scoreRecords`. */
export function refitThrough(val: ExitRecords, test: ExitRecords, fit: (val: ExitRecords) => CalibrationFile): RefitKeys {
  return (idx) => keysFromScores(scoreRecords(test, fit(idx ? subsetRecords(val, idx) : val)), test.labels);
}

/** Logits shifted by their row maximum (all ≤ 0) and the label's entry, per row. */
export function shiftRows(logits: ArrayLike<number>, labels: Int32Array | null, n: number, C: number): { d: Float64Array; dy: Float64Array } {
  const d = new Float64Array(n * C);
  const dy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < C; k++) mx = Math.max(mx, logits[i * C + k]);
    for (let k = 0; k < C; k++) d[i * C + k] = logits[i * C + k] - mx;
    if (labels) dy[i] = d[i * C + labels[i]];
  }
  return { d, dy };
}

/**
 * Weighted NLL minimum over β = 1/T for softmax(β·z) by Newton's method (the NLL is convex in β):
 * L'(β) = Σ w_i (E_p[d_i] − d_iy)/W, L''(β) = Σ w_i Var_p(d_i)/W. Started at β₀ (the full-data
 * optimum, a few steps away for a resample), stopped when |L'| ≤ 1e-12·(1 + |L|).
 */
export function weightedInverseTemperature(d: Float64Array, dy: Float64Array, C: number, weights: Int32Array | null, beta0: number): number {
  const n = dy.length;
  let beta = beta0;
  for (let it = 0; it < 50; it++) {
    let W = 0;
    let g = 0;
    let h = 0;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i] : 1;
      if (w === 0) continue;
      let s = 0;
      let m1 = 0;
      let m2 = 0;
      for (let k = 0; k < C; k++) {
        const x = d[i * C + k];
        const e = Math.exp(beta * x);
        s += e;
        m1 += e * x;
        m2 += e * x * x;
      }
      const mean = m1 / s;
      W += w;
      loss += w * (Math.log(s) - beta * dy[i]);
      g += w * (mean - dy[i]);
      h += w * (m2 / s - mean * mean);
    }
    g /= W;
    h /= W;
    if (Math.abs(g) <= 1e-12 * (1 + Math.abs(loss / W)) || !(h > 0)) break;
    let next = beta - g / h;
    if (!(next > 0)) next = beta / 2; // stay in T > 0
    beta = next;
  }
  return beta;
}

/**
 * Fast path for per-exit temperature scaling (the paper's TS): per replicate, refit every exit's
 * T on the resample's multiplicities by warm-started Newton steps (no copy of the rows), and
 * recompute only the confidences (TS keeps every argmax, so correctness never changes). Gives the
 * same temperatures as `calibrateRecords(val, 'temperature')` on the resampled rows (tested), at a
 * fraction of the cost, which is what makes B ≥ 1,000 affordable.
 */
export function perExitTemperatureRefit(val: ExitRecords, test: ExitRecords): RefitKeys {
  const C = val.numClasses;
  const E = val.numExits;
  const vs = val.logits.map((l) => shiftRows(l, val.labels, val.numSamples, C));
  const ts = test.logits.map((l) => shiftRows(l, null, test.numSamples, C).d);
  const base = keysFromScores(scoreRecords(test), test.labels);
  const beta0 = vs.map((v) => weightedInverseTemperature(v.d, v.dy, C, null, 1));
  const n = test.numSamples;
  return (idx) => {
    const weights = idx ? new Int32Array(val.numSamples) : null;
    if (idx && weights) for (let i = 0; i < idx.length; i++) weights[idx[i]]++;
    const keys: Float64Array[] = [];
    for (let e = 0; e < E; e++) {
      const beta = idx ? weightedInverseTemperature(vs[e].d, vs[e].dy, C, weights, beta0[e]) : beta0[e];
      const conf = new Float64Array(n);
      const d = ts[e];
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < C; k++) s += Math.exp(beta * d[i * C + k]);
        conf[i] = 1 / s;
      }
      keys.push(conf);
    }
    return { keys, correct: base.correct };
  };
}
