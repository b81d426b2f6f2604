import type { ExitScores } from '../records/scores';
import { ConfigError, DataError, ShapeMismatchError } from '../errors';
import type { Fallback } from './runCascade';

/**
 * What every fast offloading computation consumes: per exit and per sample, the score that the
 * exit rule compares with the threshold (exit when `key ≥ threshold`) and whether that exit's
 * prediction is right. For the paper's rule the key is the max-softmax confidence (docs/paper-notes.md#exit-rule);
 * for BranchyNet's entropy rule it is −entropy (see `entropyPolicy.ts`).
 */
export interface CascadeKeys {
  /** One array per exit (index 0 = exit 1, last = final exit), length N each. */
  keys: readonly Float64Array[];
  /** One array per exit: 1 when that exit's prediction equals the label, else 0. */
  correct: readonly Uint8Array[];
}

/** Where the cascade is cut and how offloaded samples are answered. */
export interface CascadeLayout {
  /** Number of side branches on the device, k ≥ 1 (exits 1…k are device exits). */
  edgeExits: number;
  /** Offloaded samples: final-exit answer (default) or the most confident exit seen. */
  fallback?: Fallback;
  /** 1-based indices of side branches that never answer (their head is not run). */
  disabled?: ReadonlySet<number>;
}

/** Keys (= confidences) and correctness flags from top-label scores and the true labels. */
export function keysFromScores(scores: readonly ExitScores[], labels: Int32Array): CascadeKeys {
  const correct = scores.map((s, e) => {
    if (s.prediction.length !== labels.length) {
      throw new ShapeMismatchError(`exit ${e + 1}: ${s.prediction.length} predictions but ${labels.length} labels`);
    }
    const c = new Uint8Array(labels.length);
    for (let i = 0; i < labels.length; i++) c[i] = s.prediction[i] === labels[i] ? 1 : 0;
    return c;
  });
  return { keys: scores.map((s) => s.confidence), correct };
}

/** Number of samples; throws on no exits, no samples, ragged arrays or a NaN key. */
export function checkKeys(input: CascadeKeys): number {
  const E = input.keys.length;
  if (E < 2) throw new ShapeMismatchError(`expected at least 2 exits (a side branch and the final exit), found ${E}`);
  if (input.correct.length !== E)
    throw new ShapeMismatchError(`${E} exits of scores but ${input.correct.length} of correctness flags`);
  const n = input.keys[0].length;
  if (n === 0) throw new DataError('no samples: the records are empty (expected at least one sample row)');
  for (let e = 0; e < E; e++) {
    if (input.keys[e].length !== n || input.correct[e].length !== n) {
      throw new ShapeMismatchError(`exit ${e + 1} has ${input.keys[e].length} scores, exit 1 has ${n}`);
    }
    const k = input.keys[e];
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(k[i]))
        throw new DataError(`exit ${e + 1}, sample ${i}: confidence is NaN (check the calibration file)`);
    }
  }
  return n;
}

/**
 * 0-based indices of the device exits that can answer: 1…k minus the disabled ones.
 * Throws a ConfigError when k is not an integer in [1, number of side branches] or a disabled index
 * is not a side branch.
 */
export function enabledDeviceExits(numExits: number, layout: CascadeLayout): number[] {
  const k = layout.edgeExits;
  if (!Number.isInteger(k) || k < 1 || k > numExits - 1) {
    throw new ConfigError(
      `edge exits k = ${k}: expected an integer in [1, ${numExits - 1}] (the number of side branches)`,
    );
  }
  const disabled = layout.disabled ?? new Set<number>();
  for (const d of disabled) {
    if (!Number.isInteger(d) || d < 1 || d > numExits - 1) {
      throw new ConfigError(`disabled branch ${d}: expected a side-branch index in [1, ${numExits - 1}]`);
    }
  }
  const out: number[] = [];
  for (let e = 0; e < k; e++) if (!disabled.has(e + 1)) out.push(e);
  return out;
}

/** Throws a ConfigError unless every p_tar lies in [0, 1] (and the grid is non-empty). */
export function checkPTarGrid(grid: readonly number[], what = 'p_tar'): void {
  if (grid.length === 0) throw new ConfigError(`${what} grid is empty: expected at least one value in [0, 1]`);
  for (const p of grid) {
    if (!(p >= 0 && p <= 1)) throw new ConfigError(`${what} = ${p}: expected a number in [0, 1]`);
  }
}
