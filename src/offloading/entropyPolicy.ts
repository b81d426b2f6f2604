import type { ExitRecords } from '../records/types';
import { argmaxRows, entropyRows } from '../records/logitRows';
import { ConfigError, ShapeMismatchError } from '../errors';
import type { CascadeKeys } from '../cascade/cascadeKeys';
import type { CascadeResult, Fallback } from '../cascade/runCascade';
import { sweepKeys, type SweepOptions, type SweepRow } from './thresholdSweep';

/**
 * BranchyNet's exit rule as an alternative policy: a device exit answers when the entropy of its
 * softmax is below a threshold τ (`entropy < τ`, kunglab/branchynet), instead of the paper's
 * `max softmax ≥ p_tar`. Everything else (cascade order, disabled branches, fallback) is the same;
 * "most confident" means lowest entropy.
 */

/** Shannon entropy in nats of softmax(z / T) for each row of row-major N×C logits (log-sum-exp stable). */
export const exitEntropy = entropyRows;

/** Per-exit entropies and predictions of records, optionally at per-exit temperatures. */
export function entropyScores(
  records: ExitRecords,
  temperatures?: readonly number[],
): { entropy: Float64Array[]; prediction: Int32Array[] } {
  if (temperatures && temperatures.length !== records.numExits) {
    throw new ShapeMismatchError(`${temperatures.length} temperatures for ${records.numExits} exits`);
  }
  return {
    entropy: records.logits.map((l, e) => exitEntropy(l, records.numClasses, temperatures ? temperatures[e] : 1)),
    prediction: records.logits.map((l) => argmaxRows(l, records.numClasses)),
  };
}

/**
 * Keys for the shared threshold machinery: key = −H, so "H < τ" ⇔ "key > −τ" ⇔ "key ≥ next double
 * above −τ" (`entropyKeyThreshold`). The fast sweep then applies unchanged and stays exact.
 */
export function entropyKeys(
  entropy: readonly Float64Array[],
  prediction: readonly Int32Array[],
  labels: Int32Array,
): CascadeKeys {
  return {
    keys: entropy.map((h) => h.map((v) => -v)),
    correct: prediction.map((p) => Uint8Array.from(p, (v, i) => (v === labels[i] ? 1 : 0))),
  };
}

/** The smallest double strictly greater than x. */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] += x > 0 ? 1n : -1n;
  return f[0];
}

/** Key threshold equivalent to the entropy rule "H < τ". */
export function entropyKeyThreshold(tau: number): number {
  if (!(tau >= 0) || tau === Infinity)
    throw new ConfigError(`entropy threshold τ = ${tau}: expected a finite number ≥ 0 (nats)`);
  return nextUp(-tau);
}

/** Options of the entropy cascade. */
export interface EntropyCascadeOptions {
  edgeExits: number;
  /** τ in nats, shared by every exit (the sweep's convention). */
  threshold: number;
  fallback?: Fallback;
  disabled?: ReadonlySet<number>;
}

/** Per-sample entropy-rule cascade (reference loop; mirrors `runCascade`). */
export function runEntropyCascade(
  entropy: readonly Float64Array[],
  prediction: readonly Int32Array[],
  opts: EntropyCascadeOptions,
): CascadeResult {
  const E = entropy.length;
  const k = opts.edgeExits;
  if (!Number.isInteger(k) || k < 1 || k > E - 1)
    throw new ConfigError(`edge exits k = ${k}: expected an integer in [1, ${E - 1}]`);
  const tau = opts.threshold;
  const disabled = opts.disabled ?? new Set<number>();
  const n = entropy[0].length;
  const res: CascadeResult = {
    answeringExit: new Int32Array(n),
    onDevice: new Uint8Array(n),
    prediction: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    let answered = -1;
    let best = -1;
    for (let e = 0; e < k && answered < 0; e++) {
      if (disabled.has(e + 1)) continue;
      if (entropy[e][i] < tau) answered = e;
      else if (best < 0 || entropy[e][i] < entropy[best][i]) best = e;
    }
    if (answered >= 0) res.onDevice[i] = 1;
    else {
      answered = E - 1;
      // The final exit answers when it meets τ or is itself the lowest-entropy exit seen.
      const hF = entropy[E - 1][i];
      if (opts.fallback === 'most-confident' && !(hF < tau) && best >= 0 && entropy[best][i] <= hF) answered = best;
    }
    res.answeringExit[i] = answered;
    res.prediction[i] = prediction[answered][i];
  }
  return res;
}

/** A sweep row of the entropy policy: `entropyThreshold` (τ, nats) instead of `pTar`. */
export type EntropySweepRow = Omit<SweepRow, 'pTar'> & { entropyThreshold: number };

/** All sweep metrics over a grid of entropy thresholds τ at once (same machinery as `sweepThresholds`). */
export function sweepEntropyThresholds(
  keys: CascadeKeys,
  taus: readonly number[],
  opts: SweepOptions,
): EntropySweepRow[] {
  if (taus.length === 0) throw new ConfigError('entropy threshold grid is empty');
  const rows = sweepKeys(keys, taus.map(entropyKeyThreshold), opts);
  return rows.map(({ pTar: _unused, ...rest }, i) => ({ entropyThreshold: taus[i], ...rest }));
}
