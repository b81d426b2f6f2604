import { ConfigError } from '../errors';
import { createRng, permutation } from '../util/rng';

/**
 * The shuffled-batches protocol shared by outage and missed-deadline probability (docs/paper-notes.md#batch-protocol,
 * DR_EENN `chunker`): per round, shuffle the N samples, cut them into consecutive batches of B
 * (the last, partial batch is kept), score every batch; repeat R rounds; report the mean over rounds
 * with a normal 95 % interval.
 */
export interface BatchRoundsOptions {
  /** Batch size B (default 256, DR_EENN `batch_size_outage`). */
  batchSize?: number;
  /** Number of shuffled rounds R (default 100, DR_EENN `n_rounds_outage`). */
  rounds?: number;
  /** Seed of the shuffles (default 0); same seed → same rounds → same results. */
  seed?: number;
}

/** Checked protocol settings with defaults applied. */
export function batchRoundsSettings(opts: BatchRoundsOptions): Required<BatchRoundsOptions> {
  const batchSize = opts.batchSize ?? 256;
  const rounds = opts.rounds ?? 100;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError(`batch size ${batchSize}: expected an integer ≥ 1`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new ConfigError(`rounds ${rounds}: expected an integer ≥ 1`);
  if (!Number.isInteger(seed)) throw new ConfigError(`seed ${seed}: expected an integer`);
  return { batchSize, rounds, seed };
}

/**
 * The R shuffles, generated lazily from one seeded stream (memory O(N), not O(R·N)). Every
 * threshold and every calibration variant scored with the same seed sees the same shuffles, so
 * their differences are not shuffle noise.
 */
export function* roundPermutations(n: number, rounds: number, seed: number): Generator<Int32Array> {
  const rng = createRng(seed);
  for (let r = 0; r < rounds; r++) yield permutation(n, rng);
}

/** Number of batches when N samples are cut into batches of B, the last one partial: ⌈N/B⌉. */
export function numBatches(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/** z such that Φ(z) = 0.975 (scipy.stats.norm.ppf(0.975)). */
export const Z_975 = 1.959963984540054;

/** Mean over rounds with its normal 95 % confidence interval. */
export interface MeanCi {
  mean: number;
  /** mean − 1.959964·sd/√R (sd with ddof 1); null when R = 1 (no spread to estimate). */
  ciLow: number | null;
  ciHigh: number | null;
}

/**
 * Mean and 95 % CI = mean ± 1.959964·sd/√R, sd with ddof = 1 (scipy `norm.interval(0.95, loc=mean,
 * scale=sem)`). Deliberate difference from DR_EENN: where every round agrees (sd = 0) scipy returns
 * NaN, which that code turns into 0; here the band collapses onto the mean.
 */
export function meanCi(values: ArrayLike<number>): MeanCi {
  const R = values.length;
  let sum = 0;
  for (let r = 0; r < R; r++) sum += values[r];
  const mean = sum / R;
  if (R < 2) return { mean, ciLow: null, ciHigh: null };
  let ss = 0;
  for (let r = 0; r < R; r++) ss += (values[r] - mean) ** 2;
  const half = (Z_975 * Math.sqrt(ss / (R - 1))) / Math.sqrt(R);
  return { mean, ciLow: mean - half, ciHigh: mean + half };
}
