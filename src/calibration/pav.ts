/**
 * Isotonic (non-decreasing) least-squares regression by pool-adjacent-violators, with the data
 * preparation of scikit-learn's `IsotonicRegression` so results match it: sort by (x, y), merge
 * x values closer than 1e-15 to the first of their group (weighted mean of y, summed weights),
 * run weighted PAV, then drop interior points whose fitted value equals both neighbours'.
 */

/** Knots of a fitted isotonic function: interpolate linearly, clip outside [x₀, x_last]. */
export interface IsotonicKnots {
  x: Float64Array;
  y: Float64Array;
}

/** Weighted PAV: the non-decreasing sequence closest to `y` in weighted least squares. */
export function poolAdjacentViolators(y: Float64Array, w: Float64Array): Float64Array {
  const n = y.length;
  const level = new Float64Array(n);
  const weight = new Float64Array(n);
  const size = new Int32Array(n);
  let top = -1;
  for (let i = 0; i < n; i++) {
    top++;
    level[top] = y[i];
    weight[top] = w[i];
    size[top] = 1;
    // Merge backwards while the last two blocks violate monotonicity.
    while (top > 0 && level[top - 1] >= level[top]) {
      const wSum = weight[top - 1] + weight[top];
      level[top - 1] = (weight[top - 1] * level[top - 1] + weight[top] * level[top]) / wSum;
      weight[top - 1] = wSum;
      size[top - 1] += size[top];
      top--;
    }
  }
  const out = new Float64Array(n);
  let k = 0;
  for (let b = 0; b <= top; b++) for (let j = 0; j < size[b]; j++) out[k++] = level[b];
  return out;
}

/** Fit knots on (x, y) pairs with unit weights, scikit-learn style (see the module comment). */
export function fitIsotonicKnots(x: Float64Array, y: Float64Array): IsotonicKnots {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b] || a - b);
  const ux: number[] = [];
  const uy: number[] = [];
  const uw: number[] = [];
  // Same tolerance as sklearn's `_make_unique` (np.finfo(float64).resolution).
  const eps = 1e-15;
  let gx = NaN;
  let sumY = 0;
  let sumW = 0;
  const flush = () => {
    if (sumW > 0) {
      ux.push(gx);
      uy.push(sumY / sumW);
      uw.push(sumW);
    }
  };
  for (const i of order) {
    if (!(x[i] - gx < eps)) {
      flush();
      gx = x[i];
      sumY = 0;
      sumW = 0;
    }
    sumY += y[i];
    sumW += 1;
  }
  flush();
  const fitted = poolAdjacentViolators(Float64Array.from(uy), Float64Array.from(uw));
  const keepX: number[] = [];
  const keepY: number[] = [];
  for (let i = 0; i < fitted.length; i++) {
    const interior = i > 0 && i < fitted.length - 1;
    if (interior && fitted[i] === fitted[i - 1] && fitted[i] === fitted[i + 1]) continue;
    keepX.push(ux[i]);
    keepY.push(fitted[i]);
  }
  return { x: Float64Array.from(keepX), y: Float64Array.from(keepY) };
}

/** Evaluate knots at v: linear interpolation, v clipped to [x₀, x_last] (sklearn out_of_bounds='clip'). */
export function evaluateIsotonic(k: IsotonicKnots, v: number): number {
  const n = k.x.length;
  if (n === 1 || v <= k.x[0]) return k.y[0];
  if (v >= k.x[n - 1]) return k.y[n - 1];
  // First knot ≥ v (binary search), then interpolate on [x_{j−1}, x_j].
  let lo = 1;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (k.x[mid] >= v) hi = mid;
    else lo = mid + 1;
  }
  const x0 = k.x[lo - 1];
  const x1 = k.x[lo];
  const y0 = k.y[lo - 1];
  return y0 + ((v - x0) * (k.y[lo] - y0)) / (x1 - x0);
}
