import { checkKeys, enabledDeviceExits, type CascadeKeys, type CascadeLayout } from '../cascade/cascadeKeys';

/**
 * Why one pass serves every threshold (docs/paper-notes.md#exit-rule, rule `key ≥ t`):
 * a sample leaves at enabled device exit j iff every earlier enabled exit said no and exit j says
 * yes, i.e. iff  a_j < t ≤ c_j  with c_j its key at exit j and a_j = max of its keys at the earlier
 * enabled exits (−∞ for the first). It is offloaded iff t > M = max over all enabled device keys.
 * On an ascending grid t_0 ≤ … ≤ t_{G−1}, let u(x) = #{g : t_g ≤ x}. Then
 *   t_g ∈ (a, c]  ⇔  u(a) ≤ g < u(c),      t_g > M  ⇔  g ≥ u(M),
 * and u is monotone, so u(a_j) = max of u over the earlier keys. Each sample therefore becomes,
 * per exit, one half-open index range [lo, hi) of thresholds at which it leaves there, plus the
 * index from which it is offloaded. Counting over a set of samples is a difference array plus a
 * prefix sum: O(N·k·(cost of u) + G·k) for all G thresholds at once, with exact comparisons
 * (results equal the one-pass-per-threshold loop bit for bit).
 */

/** A threshold grid sorted ascending, remembering where each value came from. */
export interface SortedGrid {
  /** Grid values, ascending. */
  values: Float64Array;
  /** order[r] = index in the caller's grid of the r-th smallest value. */
  order: Int32Array;
}

/** Sort a grid (any order, duplicates allowed) keeping the mapping back to the caller's order. */
export function sortGrid(grid: readonly number[]): SortedGrid {
  const order = Int32Array.from(grid.keys()).sort((a, b) => grid[a] - grid[b] || a - b);
  const values = new Float64Array(grid.length);
  for (let r = 0; r < grid.length; r++) values[r] = grid[order[r]];
  return { values, order };
}

/**
 * out[i] = u(xs[i]) = number of grid values ≤ xs[i] (−∞ → 0, +∞ → G). For an (almost) evenly
 * spaced grid, the index is guessed arithmetically and then corrected against the real grid values,
 * so the answer is exact for any grid and costs O(1) per value; otherwise binary search.
 */
export function countAtMost(sorted: Float64Array, xs: Float64Array, out: Int32Array): Int32Array {
  const G = sorted.length;
  const first = sorted[0];
  const step = G > 1 ? (sorted[G - 1] - first) / (G - 1) : 0;
  let uniform = step > 0;
  for (let g = 1; g < G && uniform; g++) uniform = Math.abs(sorted[g] - (first + g * step)) <= 1e-6 * step;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    let idx: number;
    if (uniform) {
      const guess = Math.floor((x - first) / step) + 1;
      idx = guess < 0 ? 0 : guess > G ? G : guess;
      while (idx < G && sorted[idx] <= x) idx++;
      while (idx > 0 && sorted[idx - 1] > x) idx--;
    } else {
      let lo = 0;
      let hi = G;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] <= x) lo = mid + 1;
        else hi = mid;
      }
      idx = lo;
    }
    out[i] = idx;
  }
  return out;
}

/** A cascade reduced to threshold-index ranges per sample (see the derivation above). */
export interface BinnedCascade {
  numSamples: number;
  /** Number of grid thresholds G. */
  numBins: number;
  /** Number of exits E of the model (side branches + final). */
  numExits: number;
  /** k: side branches on the device. */
  edgeExits: number;
  /** 0-based exit indices of the enabled device exits, in cascade order. */
  deviceExits: number[];
  /** Per enabled device exit: the sample leaves there at grid indices g with lo[i] ≤ g < hi[i]. */
  lo: Int32Array[];
  hi: Int32Array[];
  /** Per enabled device exit: 1 when that exit's answer is right. */
  correct: Uint8Array[];
  /** The sample is offloaded at every grid index g ≥ offBin[i]. */
  offBin: Int32Array;
  /** 1 when the answer given to the offloaded sample (final or most-confident fallback) is right. */
  offCorrect: Uint8Array;
}

/**
 * Reduce a cascade to threshold-index ranges on an ascending grid.
 * Most-confident fallback (docs/paper-notes.md#fallback): once offloaded (t > M), the final exit answers if its key
 * is ≥ t, else the first most confident enabled exit if its key beats the final one. Since M < t,
 * "key_F ≥ t" implies key_F > M, so the answer is simply `M > key_F ? that exit : final` for every
 * t at which the sample is offloaded: offloaded correctness does not depend on t.
 */
export function binCascade(input: CascadeKeys, sorted: Float64Array, layout: CascadeLayout): BinnedCascade {
  const n = checkKeys(input);
  const deviceExits = enabledDeviceExits(input.keys.length, layout);
  const counts = deviceExits.map((e) => countAtMost(sorted, input.keys[e], new Int32Array(n)));
  return binnedFromCounts(input, sorted.length, layout, counts, offloadedCorrect(input, deviceExits, layout));
}

/**
 * Whether each sample's offloaded answer is right under the layout's fallback (see
 * {@link binCascade}): the final exit's correctness, or the most confident enabled device exit's
 * where its key is at least the final one's. Does not depend on the grid.
 */
export function offloadedCorrect(
  input: CascadeKeys,
  deviceExits: readonly number[],
  layout: CascadeLayout,
): Uint8Array {
  const E = input.keys.length;
  const n = input.keys[0].length;
  const correctF = input.correct[E - 1];
  if ((layout.fallback ?? 'final') !== 'most-confident' || deviceExits.length === 0) return correctF;
  const offCorrect = new Uint8Array(n);
  const keyF = input.keys[E - 1];
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestKey = -Infinity;
    for (const e of deviceExits) {
      const c = input.keys[e][i];
      if (c > bestKey) {
        bestKey = c;
        best = e;
      }
    }
    offCorrect[i] = bestKey >= keyF[i] ? input.correct[best][i] : correctF[i]; // ties: device exit (argmax-first)
  }
  return offCorrect;
}

/**
 * {@link binCascade} from the grid counts u(key) of the layout's enabled device exits (in cascade
 * order, e.g. from {@link countAtMost}) and the offloaded correctness: what a caller binning the
 * same keys for several layouts or grids computes once and shares (the arrays are read, never written).
 */
export function binnedFromCounts(
  input: CascadeKeys,
  numBins: number,
  layout: CascadeLayout,
  counts: readonly Int32Array[],
  offCorrect: Uint8Array,
): BinnedCascade {
  const E = input.keys.length;
  const n = input.keys[0].length;
  const deviceExits = enabledDeviceExits(E, layout);
  const lo: Int32Array[] = [];
  const hi: Int32Array[] = [];
  const offBin = new Int32Array(n);
  for (const h of counts) {
    lo.push(offBin.slice()); // running max of u over the earlier enabled exits (0 for the first)
    hi.push(h);
    for (let i = 0; i < n; i++) if (h[i] > offBin[i]) offBin[i] = h[i];
  }
  return {
    numSamples: n,
    numBins,
    numExits: E,
    edgeExits: layout.edgeExits,
    deviceExits,
    lo,
    hi,
    correct: deviceExits.map((e) => input.correct[e]),
    offBin,
    offCorrect,
  };
}

/**
 * When every value of the ascending grid `sub` is also a value of the ascending grid `sorted`, the
 * table that turns counts on `sorted` into counts on `sub`: u_sub(x) = table[u_sorted(x)]. A value s
 * of sub is ≤ x iff its first position in `sorted` is below u_sorted(x) (every copy of s is ≤ x or
 * none is), so table[h] = #{s in sub : first position of s in sorted < h}, exact for every x.
 * Null when some value of `sub` is not in `sorted`.
 */
export function subGridTable(sub: Float64Array, sorted: Float64Array): Int32Array | null {
  const G = sorted.length;
  const table = new Int32Array(G + 1);
  for (const s of sub) {
    const first = sorted.indexOf(s);
    if (first < 0) return null;
    for (let h = first + 1; h <= G; h++) table[h]++;
  }
  return table;
}
