import type { CascadeKeys, CascadeLayout } from '../cascade/cascadeKeys';
import { binCascade, sortGrid, type BinnedCascade } from '../offloading/thresholdBins';
import { binEdges } from '../metrics/binning';
import { quantileSorted } from '../metrics/bootstrap';
import { createRng } from '../util/rng';
import { drawIndices, multiplicities } from './stats/resample';

/** ECE of the samples the device keeps at one p_tar, with its percentile bootstrap interval (null where undefined). */
export interface DeviceEceRow {
  pTar: number;
  /** Null where the device keeps no sample. */
  ece: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** Test samples the device keeps. */
  deviceSamples: number;
}

/** Per sample and device exit: the equal-width bin (lo < c ≤ hi, as `binTotals`) of the exit's confidence. */
function confidenceBins(keys: CascadeKeys, exits: readonly number[], bins: number): Int32Array[] {
  const edges = binEdges(new Float64Array(0), { bins });
  return exits.map((e) => {
    const c = keys.keys[e];
    const out = new Int32Array(c.length);
    for (let i = 0; i < c.length; i++) {
      let b = Math.ceil(c[i] * bins) - 1;
      if (b < 0) b = 0;
      else if (b > bins - 1) b = bins - 1;
      while (b > 0 && c[i] <= edges[b]) b--;
      while (b < bins - 1 && c[i] > edges[b + 1]) b++;
      out[i] = b;
    }
    return out;
  });
}

/**
 * ECE of the device-kept samples at every grid threshold at once: each sample kept by exit j for
 * grid indices lo ≤ g < hi adds (weight, confidence, correctness) to its confidence bin over that
 * range (difference arrays), then a prefix sum over g gives every threshold's bin totals. O(N·k + G·bins).
 * @returns ECE per ascending grid point (NaN where the device keeps nothing) and the kept (weighted) count.
 */
export function deviceEceCurve(
  b: BinnedCascade,
  keys: CascadeKeys,
  confBins: readonly Int32Array[],
  bins: number,
  weights?: ArrayLike<number>,
): { ece: Float64Array; count: Float64Array } {
  const G = b.numBins;
  const W = bins;
  const cnt = new Float64Array((G + 1) * W);
  const conf = new Float64Array((G + 1) * W);
  const ok = new Float64Array((G + 1) * W);
  b.deviceExits.forEach((e, j) => {
    const lo = b.lo[j];
    const hi = b.hi[j];
    const c = keys.keys[e];
    const right = b.correct[j];
    const bin = confBins[j];
    for (let i = 0; i < b.numSamples; i++) {
      if (lo[i] >= hi[i]) continue;
      const w = weights ? weights[i] : 1;
      if (w === 0) continue;
      const a = lo[i] * W + bin[i];
      const z = hi[i] * W + bin[i];
      cnt[a] += w;
      cnt[z] -= w;
      conf[a] += w * c[i];
      conf[z] -= w * c[i];
      ok[a] += w * right[i];
      ok[z] -= w * right[i];
    }
  });
  const ece = new Float64Array(G);
  const count = new Float64Array(G);
  const rc = new Float64Array(W);
  const rs = new Float64Array(W);
  const ro = new Float64Array(W);
  for (let g = 0; g < G; g++) {
    let total = 0;
    let gap = 0;
    for (let k = 0; k < W; k++) {
      rc[k] += cnt[g * W + k];
      rs[k] += conf[g * W + k];
      ro[k] += ok[g * W + k];
      // Rounding of the running sums can leave ±1e-12 in an emptied bin; counts are integers.
      if (rc[k] > 0.5) {
        total += rc[k];
        gap += Math.abs(rs[k] - ro[k]);
      }
    }
    count[g] = total;
    ece[g] = total > 0.5 ? gap / total : NaN;
  }
  return { ece, count };
}

/**
 * ECE of the samples the device keeps against p_tar (k device branches), with seeded percentile
 * 95 % bootstrap intervals over test resamples (`replicates`, `seed`): the calibration quality
 * the device's decisions rely on, per threshold.
 */
export function deviceEceVsPTar(
  keys: CascadeKeys,
  pTars: readonly number[],
  layout: CascadeLayout,
  o: { bins: number; replicates: number; seed: number },
): DeviceEceRow[] {
  const grid = sortGrid(pTars).values;
  const G = grid.length;
  const b = binCascade(keys, grid, layout);
  const confBins = confidenceBins(keys, b.deviceExits, o.bins);
  const point = deviceEceCurve(b, keys, confBins, o.bins);
  const reps = Array.from({ length: G }, () => new Float64Array(o.replicates));
  const rng = createRng(o.seed);
  const n = b.numSamples;
  for (let r = 0; r < o.replicates; r++) {
    const w = multiplicities(drawIndices(n, rng), n);
    const e = deviceEceCurve(b, keys, confBins, o.bins, w).ece;
    for (let g = 0; g < G; g++) reps[g][r] = e[g];
  }
  return Array.from(grid, (pTar, g) => {
    const finite = reps[g].filter((v) => Number.isFinite(v)).sort();
    // An interval only where (nearly) every resample keeps samples on the device.
    const ok = finite.length >= 0.95 * o.replicates && finite.length > 1;
    const v = point.ece[g];
    return {
      pTar,
      ece: Number.isFinite(v) ? v : null,
      deviceSamples: point.count[g],
      ciLow: ok ? quantileSorted(finite, 0.025) : null,
      ciHigh: ok ? quantileSorted(finite, 0.975) : null,
    };
  });
}
