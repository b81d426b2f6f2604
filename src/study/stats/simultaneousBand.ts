import { quantileSorted } from '../../metrics/bootstrap';

/** A band over a grid: lower and upper curve (NaN where the grid point is not covered). */
export interface CurveBand {
  low: Float64Array;
  high: Float64Array;
  /** The critical value c of the max-|t| statistic. */
  critical: number;
}

/**
 * Simultaneous bootstrap band over a grid (max-deviation, studentised): with s_g the bootstrap
 * standard deviation at point g and c the `level` quantile over replicates of max_g |x*_g − x̂_g|/s_g,
 * the band x̂_g ± c·s_g covers the whole curve with probability ≈ `level` (not each point
 * separately). Only points where `use[g]` is true (and s_g > 0) enter; replicates are row-major
 * B × G with NaN = undefined (such a point must not be used).
 */
export function simultaneousBand(
  estimate: Float64Array,
  reps: Float64Array,
  B: number,
  use: readonly boolean[],
  level: number,
): CurveBand {
  const G = estimate.length;
  const sd = new Float64Array(G);
  const on: number[] = [];
  for (let g = 0; g < G; g++) {
    if (!use[g]) continue;
    let s = 0;
    let ss = 0;
    for (let r = 0; r < B; r++) {
      const v = reps[r * G + g];
      s += v;
      ss += v * v;
    }
    const mean = s / B;
    sd[g] = Math.sqrt(Math.max(0, ss / B - mean * mean) * (B / (B - 1)));
    if (sd[g] > 0 && Number.isFinite(sd[g])) on.push(g);
  }
  const maxT = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    let mx = 0;
    for (const g of on) mx = Math.max(mx, Math.abs(reps[r * G + g] - estimate[g]) / sd[g]);
    maxT[r] = mx;
  }
  maxT.sort();
  const critical = on.length > 0 ? quantileSorted(maxT, level) : NaN;
  const low = new Float64Array(G).fill(NaN);
  const high = new Float64Array(G).fill(NaN);
  for (const g of on) {
    low[g] = estimate[g] - critical * sd[g];
    high[g] = estimate[g] + critical * sd[g];
  }
  return { low, high, critical };
}
