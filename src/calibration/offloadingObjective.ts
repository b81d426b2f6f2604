import type { ExitRecords } from '../records/types';
import { topLabelScores } from '../records/scores';
import { runCascade } from '../cascade/runCascade';
import { offloadedMs, type ExitLatency } from '../cascade/exitLatency';
import { ConfigError } from '../errors';

/** What the offloading-driven objective is made of, for one set of temperatures. */
export interface OffloadingOutcome {
  /** Mean latency per sample (ms). */
  expectedLatencyMs: number;
  /** Accuracy over device-answered samples; null when the device answers none. */
  edgeAccuracy: number | null;
  /** Fraction of samples answered on the device. */
  edgeFraction: number;
  /** expectedLatencyMs − β·edgeAccuracy (edge accuracy counted as 0 when null). */
  objective: number;
}

/** Options shared by the objective and its optimiser. */
export interface OffloadingObjectiveOptions {
  /** Confidence target p_tar in (0, 1). */
  pTar: number;
  /** Side branches on the device, k (default E − 1). */
  edgeExits?: number;
  /** Side branches that never answer (still cost device time). */
  disabled?: ReadonlySet<number>;
  /** Trade-off β ≥ 0 in ms per unit of edge accuracy (paper grid 0…200). */
  beta: number;
  latency: ExitLatency;
}

/** Resolve k and check the options against the records. */
export function checkObjectiveOptions(records: ExitRecords, opts: OffloadingObjectiveOptions): number {
  const k = opts.edgeExits ?? records.numExits - 1;
  if (!Number.isInteger(k) || k < 1 || k > records.numExits - 1) {
    throw new ConfigError(`edge exits k = ${k}: expected an integer in [1, ${records.numExits - 1}]`);
  }
  if (!(opts.pTar > 0 && opts.pTar < 1))
    throw new ConfigError(`p_tar = ${opts.pTar}: the offloading-driven fit needs p_tar in (0, 1)`);
  if (!(opts.beta >= 0 && Number.isFinite(opts.beta)))
    throw new ConfigError(`beta = ${opts.beta}: expected a finite number ≥ 0`);
  const L = opts.latency;
  if (L.deviceMs.length !== k || !L.deviceMs.every((v) => v >= 0 && Number.isFinite(v))) {
    throw new ConfigError(
      `latency.deviceMs: expected ${k} finite times ≥ 0 (one per device exit), found [${L.deviceMs.join(', ')}]`,
    );
  }
  if (!(L.overheadMs >= 0) || !(L.cloudMs >= 0))
    throw new ConfigError('latency.overheadMs and latency.cloudMs must be ≥ 0');
  return k;
}

/**
 * Evaluate the objective by actually running the cascade (`runCascade`) with exits calibrated by
 * the given temperatures (index 0 = exit 1; exits beyond k do not matter): the ground truth the
 * optimiser's breakpoint bookkeeping is checked against.
 */
export function offloadingOutcome(
  records: ExitRecords,
  temperatures: readonly number[],
  opts: OffloadingObjectiveOptions,
): OffloadingOutcome {
  const k = checkObjectiveOptions(records, opts);
  const scores = records.logits.map((l, e) => topLabelScores(l, records.numClasses, e < k ? temperatures[e] : 1));
  const r = runCascade(scores, { edgeExits: k, pTar: opts.pTar, disabled: opts.disabled });
  const offloadMs = offloadedMs(opts.latency, k);
  let time = 0;
  let edge = 0;
  let edgeCorrect = 0;
  for (let i = 0; i < records.numSamples; i++) {
    if (r.onDevice[i]) {
      time += opts.latency.deviceMs[r.answeringExit[i]];
      edge++;
      if (r.prediction[i] === records.labels[i]) edgeCorrect++;
    } else {
      time += offloadMs;
    }
  }
  return outcomeOf(time, edge, edgeCorrect, records.numSamples, opts.beta);
}

/** Assemble an outcome from totals. */
export function outcomeOf(
  totalMs: number,
  edge: number,
  edgeCorrect: number,
  n: number,
  beta: number,
): OffloadingOutcome {
  const edgeAccuracy = edge > 0 ? edgeCorrect / edge : null;
  const expectedLatencyMs = totalMs / n;
  return {
    expectedLatencyMs,
    edgeAccuracy,
    edgeFraction: edge / n,
    objective: expectedLatencyMs - beta * (edgeAccuracy ?? 0),
  };
}
