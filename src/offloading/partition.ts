import { ConfigError } from '../errors';
import type { CascadeKeys } from '../cascade/cascadeKeys';
import type { Fallback } from '../cascade/runCascade';
import { cascadeLatency, type NetworkConfig, type StageTimes } from './latencyModel';
import { sweepThresholds } from './thresholdSweep';

/** One candidate partition: k device branches at a given uplink and p_tar. */
export interface PartitionRow {
  edgeExits: number;
  pTar: number;
  uplinkMbps: number;
  /** E[T] = Σ_j P(exit j)·t_dev(j) + P_off·(t_dev(k) + RTT + upload + cloud), ms. */
  expectedLatencyMs: number;
  /** Latency of an offloaded sample at this k, ms. */
  offloadLatencyMs: number;
  offloadProbability: number;
  onDeviceAccuracy: number | null;
  overallAccuracy: number;
  /** On-device accuracy reaches p_tar (or the device keeps nothing). */
  meetsTarget: boolean;
  /** This k is the chosen partition. */
  best: boolean;
}

/** Options of `choosePartition`. */
export interface PartitionOptions {
  /** Accuracy target = exit threshold p_tar, in [0, 1]. */
  pTar: number;
  stage: StageTimes;
  network: NetworkConfig;
  fallback?: Fallback;
  disabled?: ReadonlySet<number>;
  /** Candidate numbers of device branches (default 1…B). */
  candidates?: readonly number[];
}

/**
 * Adaptive partitioning choice: for each candidate k, the cascade at p_tar gives the fraction of
 * samples answered at each device exit and offloaded (`sweepThresholds`), and the latency model the
 * time of each outcome; the chosen k minimises expected latency among the k whose on-device
 * accuracy meets p_tar (among all k when none does; then `meetsTarget` is false on every row).
 * Ties go to the smaller k (less device compute).
 */
export function choosePartition(input: CascadeKeys, opts: PartitionOptions): PartitionRow[] {
  const B = opts.stage.trunkMs.length;
  const candidates = opts.candidates ?? Array.from({ length: B }, (_, j) => j + 1);
  if (candidates.length === 0) throw new ConfigError('no candidate numbers of device branches');
  const rows: PartitionRow[] = candidates.map((k) => {
    const [r] = sweepThresholds(input, [opts.pTar], { edgeExits: k, fallback: opts.fallback, disabled: opts.disabled });
    const lat = cascadeLatency(opts.stage, opts.network, k, opts.disabled);
    let expected = r.exitFractions[k] * lat.offloadMs;
    for (let j = 0; j < k; j++) if (r.exitFractions[j] > 0) expected += r.exitFractions[j] * lat.exitMs[j];
    return {
      edgeExits: k,
      pTar: opts.pTar,
      uplinkMbps: opts.network.uplinkMbps,
      expectedLatencyMs: expected,
      offloadLatencyMs: lat.offloadMs,
      offloadProbability: r.offloadProbability,
      onDeviceAccuracy: r.onDeviceAccuracy,
      overallAccuracy: r.overallAccuracy,
      meetsTarget: r.onDeviceAccuracy === null || r.onDeviceAccuracy >= opts.pTar,
      best: false,
    };
  });
  const feasible = rows.filter((r) => r.meetsTarget);
  const pool = feasible.length > 0 ? feasible : rows;
  let best = pool[0];
  for (const r of pool) {
    if (
      r.expectedLatencyMs < best.expectedLatencyMs ||
      (r.expectedLatencyMs === best.expectedLatencyMs && r.edgeExits < best.edgeExits)
    )
      best = r;
  }
  best.best = true;
  return rows;
}
