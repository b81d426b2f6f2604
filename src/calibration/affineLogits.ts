import type { FloatArray } from '../records/types';
import { minimizeLbfgs, type LbfgsResult } from './lbfgs';

/**
 * Affine maps of the logits, z' = W z + b, shared by vector scaling (W diagonal) and matrix
 * scaling (W full), fitted by L-BFGS on the mean NLL plus the ODIR penalty of Kull et al. 2019
 * ("Beyond temperature scaling", Dirichlet calibration):
 *   loss = mean_i CE(W z_i + b, y_i) + λ/(C(C−1)) Σ_{j≠l} W_jl² + μ/C Σ_j b_j².
 * The loss is convex in (W, b), so L-BFGS reaches the global optimum.
 */

/** Structure of W. */
export type AffineStructure = 'diagonal' | 'full';

/** Fitted affine parameters: W row-major C×C (diagonal structure: only the diagonal is used). */
export interface AffineParams {
  structure: AffineStructure;
  numClasses: number;
  /** Diagonal: C weights; full: C×C row-major. */
  weights: Float64Array;
  biases: Float64Array;
}

/** z' = W z + b for every row. */
export function applyAffine(p: AffineParams, logits: FloatArray): Float64Array {
  const C = p.numClasses;
  const n = Math.floor(logits.length / C);
  const out = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    const base = i * C;
    for (let j = 0; j < C; j++) {
      let v = p.biases[j];
      if (p.structure === 'diagonal') v += p.weights[j] * logits[base + j];
      else for (let l = 0; l < C; l++) v += p.weights[j * C + l] * logits[base + l];
      out[base + j] = v;
    }
  }
  return out;
}

/**
 * Fit W and b from the identity map (W = I, b = 0).
 * @param lambda - off-diagonal penalty λ (full structure only).
 * @param mu - bias penalty μ.
 */
export function fitAffine(
  logits: FloatArray,
  labels: Int32Array,
  numClasses: number,
  structure: AffineStructure,
  lambda: number,
  mu: number,
  maxIterations = 1000,
): { params: AffineParams; result: LbfgsResult } {
  const C = numClasses;
  const n = labels.length;
  const nW = structure === 'diagonal' ? C : C * C;
  const x0 = new Float64Array(nW + C);
  for (let j = 0; j < C; j++) x0[structure === 'diagonal' ? j : j * C + j] = 1;
  const z = new Float64Array(C);
  const delta = new Float64Array(C);
  const offScale = C > 1 ? lambda / (C * (C - 1)) : 0;
  const biasScale = mu / C;
  const loss = (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const base = i * C;
      let max = -Infinity;
      for (let j = 0; j < C; j++) {
        let v = x[nW + j];
        if (structure === 'diagonal') v += x[j] * logits[base + j];
        else for (let l = 0; l < C; l++) v += x[j * C + l] * logits[base + l];
        z[j] = v;
        if (v > max) max = v;
      }
      let s = 0;
      for (let j = 0; j < C; j++) {
        delta[j] = Math.exp(z[j] - max);
        s += delta[j];
      }
      total += Math.log(s) + max - z[labels[i]];
      // δ_j = (p_j − 1[j = y]) / n is dLoss/dz'_j.
      for (let j = 0; j < C; j++) delta[j] = (delta[j] / s - (j === labels[i] ? 1 : 0)) / n;
      for (let j = 0; j < C; j++) {
        grad[nW + j] += delta[j];
        if (structure === 'diagonal') grad[j] += delta[j] * logits[base + j];
        else for (let l = 0; l < C; l++) grad[j * C + l] += delta[j] * logits[base + l];
      }
    }
    let value = total / n;
    if (structure === 'full' && offScale > 0) {
      for (let j = 0; j < C; j++) {
        for (let l = 0; l < C; l++) {
          if (j === l) continue;
          const w = x[j * C + l];
          value += offScale * w * w;
          grad[j * C + l] += 2 * offScale * w;
        }
      }
    }
    for (let j = 0; j < C; j++) {
      const b = x[nW + j];
      value += biasScale * b * b;
      grad[nW + j] += 2 * biasScale * b;
    }
    return value;
  };
  const result = minimizeLbfgs(loss, x0, { maxIterations });
  return {
    params: { structure, numClasses: C, weights: result.x.slice(0, nW), biases: result.x.slice(nW) },
    result,
  };
}
