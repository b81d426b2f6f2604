import { log1pExp, sigmoid } from './logitMath';

/** A fitted logistic model σ(Σ_j coef_j·x_j + intercept). */
export interface LogisticFit {
  coef: number[];
  intercept: number;
  iterations: number;
  converged: boolean;
}

/**
 * Maximum-likelihood logistic regression on a few features by Newton's method with step
 * halving: minimise Σ_i [ln(1 + e^{η_i}) − y_i η_i] + (ridge/2)·Σ_j coef_j², η = Xβ + intercept.
 * The tiny default ridge (1e-10, scikit-learn's C = 1e10) keeps the optimum finite when the
 * classes are separable; the intercept is not penalised.
 * @param features - one column per feature, each of length n.
 */
export function fitLogistic(features: Float64Array[], y: Uint8Array, ridge = 1e-10, maxIterations = 100): LogisticFit {
  const p = features.length;
  const n = y.length;
  const dim = p + 1;
  const beta = new Float64Array(dim); // [coef…, intercept]
  const eta = (b: Float64Array, i: number) => {
    let v = b[p];
    for (let j = 0; j < p; j++) v += b[j] * features[j][i];
    return v;
  };
  const objective = (b: Float64Array) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const e = eta(b, i);
      f += log1pExp(e) - y[i] * e;
    }
    for (let j = 0; j < p; j++) f += 0.5 * ridge * b[j] * b[j];
    return f;
  };
  let f = objective(beta);
  let iterations = 0;
  let converged = false;
  const g = new Float64Array(dim);
  const H = new Float64Array(dim * dim);
  while (iterations < maxIterations) {
    g.fill(0);
    H.fill(0);
    for (let i = 0; i < n; i++) {
      const s = sigmoid(eta(beta, i));
      const r = s - y[i];
      const w = s * (1 - s);
      for (let a = 0; a < dim; a++) {
        const xa = a < p ? features[a][i] : 1;
        g[a] += r * xa;
        for (let b = 0; b <= a; b++) H[a * dim + b] += w * xa * (b < p ? features[b][i] : 1);
      }
    }
    for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) H[b * dim + a] = H[a * dim + b];
    for (let j = 0; j < p; j++) {
      g[j] += ridge * beta[j];
      H[j * dim + j] += ridge;
    }
    const gMax = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    if (gMax <= 1e-10 * Math.max(1, n)) {
      converged = true;
      break;
    }
    iterations++;
    const step = solveSymmetric(H, g, dim);
    let t = 1;
    let next = beta;
    let fNext = Infinity;
    for (let k = 0; k < 60; k++) {
      next = beta.map((v, j) => v - t * step[j]);
      fNext = objective(next);
      if (fNext <= f) break;
      t /= 2;
    }
    if (!(fNext <= f)) break;
    const decrease = f - fNext;
    beta.set(next);
    f = fNext;
    if (decrease <= 1e-15 * Math.max(1, Math.abs(f))) {
      converged = gMax <= 1e-6 * Math.max(1, n);
      break;
    }
  }
  return { coef: [...beta.subarray(0, p)], intercept: beta[p], iterations, converged };
}

/** Solve H x = g for a small symmetric positive (semi)definite H by Gaussian elimination with partial pivoting. */
function solveSymmetric(Hin: Float64Array, gin: Float64Array, n: number): Float64Array {
  const A = Float64Array.from(Hin);
  const b = Float64Array.from(gin);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[piv * n + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [A[c * n + k], A[piv * n + k]] = [A[piv * n + k], A[c * n + k]];
      [b[c], b[piv]] = [b[piv], b[c]];
    }
    const d = A[c * n + c] || 1e-300;
    for (let r = c + 1; r < n; r++) {
      const m = A[r * n + c] / d;
      if (m === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k] -= m * A[c * n + k];
      b[r] -= m * b[c];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < n; k++) s -= A[r * n + k] * x[k];
    x[r] = s / (A[r * n + r] || 1e-300);
  }
  return x;
}
