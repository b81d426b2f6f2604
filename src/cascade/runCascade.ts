import type { ExitScores } from '../records/scores';
import { ConfigError } from '../errors';

/** What happens to a sample that no device exit is confident enough about. */
export type Fallback = 'final' | 'most-confident';

/** Options of `runCascade`. */
export interface CascadeOptions {
  /** Number of side branches on the device (k ≥ 1); exits 1…k are device exits. */
  edgeExits: number;
  /** Confidence target; a device exit answers when confidence ≥ pTar. */
  pTar: number;
  /** Offloaded samples: final-exit answer (offline metric code) or most confident exit seen (testbed). */
  fallback?: Fallback;
  /** 1-based indices of side branches that are skipped (evaluated for cost, never answer). */
  disabled?: ReadonlySet<number>;
}

/** Per-sample outcome of the cascade. */
export interface CascadeResult {
  /** 0-based index of the exit whose prediction is the answer. */
  answeringExit: Int32Array;
  /** 1 when the device answered (some exit j ≤ k with confidence ≥ pTar), else 0 (offloaded). */
  onDevice: Uint8Array;
  /** The answer. */
  prediction: Int32Array;
}

/**
 * Run the paper's cascade (docs/paper-notes.md#exit-rule) over precomputed scores of all exits. Exits 1…k are on
 * the device; the final exit is the last entry of `scores`. Side branches after k are not evaluated
 * (they sit in the cloud and the cloud only runs the final exit).
 */
export function runCascade(scores: readonly ExitScores[], opts: CascadeOptions): CascadeResult {
  const numExits = scores.length;
  const k = opts.edgeExits;
  if (!Number.isInteger(k) || k < 1 || k > numExits - 1) {
    throw new ConfigError(
      `edge exits k = ${k}: expected an integer in [1, ${numExits - 1}] (the number of side branches)`,
    );
  }
  if (!(opts.pTar >= 0 && opts.pTar <= 1)) throw new ConfigError(`p_tar = ${opts.pTar}: expected a number in [0, 1]`);
  const fallback = opts.fallback ?? 'final';
  const disabled = opts.disabled ?? new Set<number>();
  const n = scores[0].confidence.length;
  const finalIdx = numExits - 1;
  const answeringExit = new Int32Array(n);
  const onDevice = new Uint8Array(n);
  const prediction = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let answered = -1;
    let best = -1;
    let bestConf = -Infinity;
    for (let e = 0; e < k; e++) {
      if (disabled.has(e + 1)) continue;
      const c = scores[e].confidence[i];
      if (c >= opts.pTar) {
        answered = e;
        break;
      }
      if (c > bestConf) {
        bestConf = c;
        best = e;
      }
    }
    if (answered >= 0) {
      onDevice[i] = 1;
    } else {
      answered = finalIdx;
      if (fallback === 'most-confident') {
        const cF = scores[finalIdx].confidence[i];
        // The final exit answers when it reaches p_tar; otherwise the most confident exit, device exits
        // first on ties (the authors' argmax over [device exits…, final] returns the first maximum).
        if (cF < opts.pTar && best >= 0 && bestConf >= cF) answered = best;
      }
    }
    answeringExit[i] = answered;
    prediction[i] = scores[answered].prediction[i];
  }
  return { answeringExit, onDevice, prediction };
}

/** How many samples the device keeps in a cascade result, and how many of those it answers correctly. */
export function onDeviceCounts(r: CascadeResult, labels: Int32Array): { kept: number; right: number } {
  let kept = 0;
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!r.onDevice[i]) continue;
    kept++;
    if (r.prediction[i] === labels[i]) right++;
  }
  return { kept, right };
}
