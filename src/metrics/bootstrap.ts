import { createRng } from '../util/rng';
import { EecalError } from '../errors';

/** Options of {@link bootstrapInterval}. */
export interface BootstrapOptions {
  /** Number of resamples B (default 1000). */
  replicates?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
  /** Seed of the resampling RNG (required: results depend only on it). */
  seed: number;
  /** Called after each resample with (resamples done, B): long runs report progress with it. */
  onProgress?: (done: number, total: number) => void;
}

/** A percentile-bootstrap confidence interval. */
export interface BootstrapInterval {
  /** The statistic on the original sample. */
  estimate: number;
  low: number;
  high: number;
  /** Standard deviation of the bootstrap replicates. */
  standardError: number;
  level: number;
  replicates: number;
}

/**
 * Seeded percentile bootstrap (Efron & Tibshirani 1993) for any metric: the statistic is called
 * on B index vectors drawn with replacement from 0…n−1, and the interval is the (α/2, 1 − α/2)
 * quantiles of the replicates (linear interpolation, numpy's default). A statistic that returns
 * a non-finite value is an error, never averaged silently.
 * @param numSamples - n, the number of samples the indices refer to.
 * @param statistic - metric of a resample, given its sample indices.
 */
export function bootstrapInterval(
  numSamples: number,
  statistic: (indices: Int32Array) => number,
  opts: BootstrapOptions,
): BootstrapInterval {
  return bootstrapIntervals(numSamples, (idx) => ({ value: statistic(idx) }), opts).value;
}

/**
 * {@link bootstrapInterval} for several metrics computed together on the same resamples (one
 * call of `statistic` per resample returns every metric by name), so the intervals are paired
 * and shared work (calibrated probabilities, sorting) is done once per resample. The first call
 * is always on the identity 0…n−1 (the estimate), then one per resample.
 */
export function bootstrapIntervals<K extends string>(
  numSamples: number,
  statistic: (indices: Int32Array) => Record<K, number>,
  opts: BootstrapOptions,
): Record<K, BootstrapInterval> {
  const B = opts.replicates ?? 1000;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(numSamples) || numSamples < 1)
    throw new EecalError(`bootstrap: ${numSamples} samples: expected at least 1`);
  if (!Number.isInteger(B) || B < 2) throw new EecalError(`bootstrap: replicates = ${B}: expected an integer ≥ 2`);
  if (!(level > 0 && level < 1)) throw new EecalError(`bootstrap: level = ${level}: expected a number in (0, 1)`);
  const identity = new Int32Array(numSamples);
  for (let i = 0; i < numSamples; i++) identity[i] = i;
  const base = statistic(identity);
  const names = Object.keys(base) as K[];
  const columns = names.map(() => new Float64Array(B));
  const values = new Map<K, Float64Array>(names.map((k, j) => [k, columns[j]]));
  const rng = createRng(opts.seed);
  const idx = new Int32Array(numSamples);
  for (let r = 0; r < B; r++) {
    rng.fillInts(idx, numSamples);
    const v = statistic(idx);
    for (let j = 0; j < names.length; j++) {
      const x = v[names[j]];
      // The message is built only on failure: this loop runs for every metric of every resample.
      columns[j][r] = Number.isFinite(x) ? x : checked(x, `${names[j]}, resample ${r}`);
    }
    opts.onProgress?.(r + 1, B);
  }
  const alpha = 1 - level;
  const out = {} as Record<K, BootstrapInterval>;
  for (const k of names) {
    const vals = values.get(k)!.sort();
    let mean = 0;
    for (let r = 0; r < B; r++) mean += vals[r];
    mean /= B;
    let ss = 0;
    for (let r = 0; r < B; r++) ss += (vals[r] - mean) ** 2;
    out[k] = {
      estimate: checked(base[k], `${k}, original sample`),
      low: quantileSorted(vals, alpha / 2),
      high: quantileSorted(vals, 1 - alpha / 2),
      standardError: Math.sqrt(ss / (B - 1)),
      level,
      replicates: B,
    };
  }
  return out;
}

function checked(v: number, where: string): number {
  if (!Number.isFinite(v))
    throw new EecalError(`bootstrap: the statistic returned ${v} on ${where}; expected a finite number`);
  return v;
}

/** Quantile q of sorted values, linear interpolation between order statistics (numpy 'linear'). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Gather rows of a row-major array: out[r] = arr[indices[r]] (each row `width` wide). */
export function takeRows<T extends Float64Array | Float32Array | Int32Array | Uint8Array>(
  arr: T,
  indices: Int32Array,
  width = 1,
): T {
  const Ctor = arr.constructor as new (n: number) => T;
  const out = new Ctor(indices.length * width);
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r] * width;
    for (let k = 0; k < width; k++) out[r * width + k] = arr[src + k];
  }
  return out;
}
