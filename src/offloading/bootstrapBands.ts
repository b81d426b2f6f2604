import { quantileSorted } from '../metrics/bootstrap';
import { ConfigError } from '../errors';
import { createRng } from '../util/rng';
import { checkPTarGrid, type CascadeKeys } from '../cascade/cascadeKeys';
import { binCascade, sortGrid } from './thresholdBins';
import { countThresholds, rowAt, type SweepOptions } from './thresholdSweep';

/** Two-sided percentile band [low, high] of one metric at one p_tar. */
export type Band = [number, number];

/** Bootstrap bands of the sweep metrics at one p_tar. */
export interface SweepBand {
  offloadProbability: Band;
  /** Null when no resample keeps a sample on the device at this p_tar. */
  onDeviceAccuracy: Band | null;
  overallAccuracy: Band;
}

/** Options of `bootstrapSweepBands`. */
export interface SweepBootstrapOptions {
  /** Seed of the resampling RNG (explicit: same seed, same bands). */
  seed: number;
  /** Number of bootstrap resamples B (default 200, the relplot default). */
  replicates?: number;
  /** Coverage of the band (default 0.95 → the 2.5 % and 97.5 % percentiles). */
  level?: number;
}

function band(values: number[], level: number): Band {
  const s = Float64Array.from(values).sort();
  return [quantileSorted(s, (1 - level) / 2), quantileSorted(s, (1 + level) / 2)];
}

/**
 * Percentile-bootstrap bands of offloading probability, on-device and overall accuracy over a p_tar
 * grid: resample the N samples with replacement B times (seeded) and take the metric's percentiles.
 * Each resample is just a vector of multiplicities, so it costs one weighted pass of the
 * all-thresholds counter (O(N·k + G·k)), not a sweep per threshold. Resamples in which the device
 * keeps no sample do not contribute to the on-device accuracy band. Bands come back in grid order.
 */
export function bootstrapSweepBands(
  input: CascadeKeys,
  pTars: readonly number[],
  opts: SweepOptions & SweepBootstrapOptions,
): SweepBand[] {
  checkPTarGrid(pTars);
  return bootstrapKeyBands(input, pTars, opts);
}

/** `bootstrapSweepBands` for any thresholds on the keys (e.g. entropy keys), unchecked range. */
export function bootstrapKeyBands(
  input: CascadeKeys,
  thresholds: readonly number[],
  opts: SweepOptions & SweepBootstrapOptions,
): SweepBand[] {
  const B = opts.replicates ?? 200;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(B) || B < 2) throw new ConfigError(`bootstrap replicates = ${B}: expected an integer ≥ 2`);
  if (!(level > 0 && level < 1)) throw new ConfigError(`bootstrap level = ${level}: expected a number in (0, 1)`);
  const grid = sortGrid(thresholds);
  const b = binCascade(input, grid.values, opts);
  const n = b.numSamples;
  const G = grid.values.length;
  const rng = createRng(opts.seed);
  const off: number[][] = Array.from({ length: G }, () => []);
  const dev: number[][] = Array.from({ length: G }, () => []);
  const all: number[][] = Array.from({ length: G }, () => []);
  const weights = new Int32Array(n);
  for (let r = 0; r < B; r++) {
    weights.fill(0);
    for (let i = 0; i < n; i++) weights[rng.int(n)]++;
    const counts = countThresholds(b, weights);
    for (let g = 0; g < G; g++) {
      const row = rowAt(b, counts, g, grid.values[g], null);
      off[g].push(row.offloadProbability);
      all[g].push(row.overallAccuracy);
      if (row.onDeviceAccuracy !== null) dev[g].push(row.onDeviceAccuracy);
    }
  }
  const out = new Array<SweepBand>(G);
  for (let g = 0; g < G; g++) {
    out[grid.order[g]] = {
      offloadProbability: band(off[g], level),
      onDeviceAccuracy: dev[g].length > 0 ? band(dev[g], level) : null,
      overallAccuracy: band(all[g], level),
    };
  }
  return out;
}
