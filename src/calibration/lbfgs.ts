/**
 * A compact L-BFGS minimiser (Nocedal & Wright 2006, Alg. 7.4) with a backtracking Armijo line
 * search that also enforces positive curvature (pairs with sᵀy ≤ 0 are skipped). Enough for the
 * smooth convex losses of vector and matrix scaling; deterministic; no dependencies.
 */

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Iterations at most (default 500). */
  maxIterations?: number;
  /** Curvature pairs kept (default 10). */
  history?: number;
  /** Stop when ‖g‖∞ ≤ gradientTolerance·max(1, |f|) (default 1e-8). */
  gradientTolerance?: number;
  /** Stop when the loss decreased by less than this, relatively, over one iteration (default 1e-15). */
  relativeTolerance?: number;
}

/** Outcome of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  /** ‖g‖∞ at the returned point. */
  gradientNorm: number;
}

/**
 * Minimise f from x0.
 * @param f - writes ∇f(x) into `grad` and returns f(x).
 */
export function minimizeLbfgs(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  opts: LbfgsOptions = {},
): LbfgsResult {
  const maxIter = opts.maxIterations ?? 500;
  const m = opts.history ?? 10;
  const gTol = opts.gradientTolerance ?? 1e-8;
  const rTol = opts.relativeTolerance ?? 1e-15;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  const normInf = (v: Float64Array) => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  let iterations = 0;
  let converged = normInf(g) <= gTol * Math.max(1, Math.abs(fx));
  while (!converged && iterations < maxIter) {
    iterations++;
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], d);
      axpy(-alpha[j], Y[j], d);
    }
    const gamma =
      S.length > 0
        ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1])
        : 1 / Math.max(1, normInf(g));
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let j = 0; j < S.length; j++) axpy(alpha[j] - rho[j] * dot(Y[j], d), S[j], d);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] / Math.max(1, normInf(g));
      slope = dot(g, d);
    }
    let step = 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) {
      // No decrease possible at machine precision.
      converged = normInf(g) <= 1e-6 * Math.max(1, Math.abs(fx));
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const decrease = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    converged = normInf(g) <= gTol * Math.max(1, Math.abs(fx));
    if (!converged && decrease <= rTol * Math.max(1, Math.abs(fx))) {
      // Stalled at machine precision: accept when the gradient is already tiny.
      converged = normInf(g) <= 1e-6 * Math.max(1, Math.abs(fx));
      break;
    }
  }
  return { x, value: fx, iterations, converged, gradientNorm: normInf(g) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}
