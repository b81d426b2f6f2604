import type { RecordsSidecar } from '../records/types';
import { ConfigError, RecordFormatError } from '../errors';
import { cascadeDeviceCosts, sidecarExitCosts } from './deviceCost';
import type { ExitLatency } from '../cascade/exitLatency';

/**
 * Parametric latency of adaptive partitioning (docs/paper-notes.md#latency-model, the ICC reconstruction after the
 * authors' ISCC 2020 code): a sample answered at device exit j costs its device time only; an
 * offloaded one costs device time up to branch k + RTT + split tensor / uplink + cloud time of the
 * rest of the trunk. All times in milliseconds.
 */

/** Uplink presets in Mbit/s (POPEX: 3G 1.1, 4G 5.85, Wi-Fi 18.8). */
export const UPLINK_PRESETS: Readonly<Record<string, number>> = { '3g': 1.1, '4g': 5.85, wifi: 18.8 };

/** "3g" | "4g" | "wifi" (any case) or a positive number of Mbit/s. */
export function parseUplink(raw: string): number {
  const preset = UPLINK_PRESETS[raw.trim().toLowerCase()];
  if (preset !== undefined) return preset;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v))
    throw new ConfigError(`uplink "${raw}": expected 3g, 4g, wifi or a rate in Mbit/s`);
  checkUplink(v);
  return v;
}

/** Throws unless the uplink rate is a finite number > 0 Mbit/s. */
export function checkUplink(mbps: number): void {
  if (!(mbps > 0) || !Number.isFinite(mbps))
    throw new ConfigError(
      `uplink rate ${mbps} Mbit/s: expected a finite bandwidth > 0 (negative or zero bandwidth is meaningless)`,
    );
}

/** Element type of the split tensor on the wire. */
export type TensorDtype = 'fp32' | 'fp16' | 'int8';
/** Bytes per tensor element on the wire for each dtype. */
export const BYTES_PER_ELEMENT: Readonly<Record<TensorDtype, number>> = { fp32: 4, fp16: 2, int8: 1 };

/** Upload time in ms of `bytes` at `mbps` Mbit/s: bytes·8 / (mbps·10⁶) s. */
export function uploadMs(bytes: number, mbps: number): number {
  checkUplink(mbps);
  return (bytes * 8) / (mbps * 1e3);
}

/** Device timing of a model per side branch (index j−1 = branch j), in ms per sample. */
export interface StageTimes {
  /** Trunk prefix up to branch j's attachment point (cumulative). */
  trunkMs: number[];
  /** Branch j's own head. */
  headMs: number[];
  /** The whole trunk through the final exit, on the device (the cloud time derives from it). */
  fullMs: number;
  /** fp32 bytes of the tensor sent to the cloud when the model is split after branch j. */
  splitBytes: number[];
}

/** Where device times come from: the sidecar's measured `inferenceMsPerSample`, or MACs ÷ speed. */
export type DeviceSpeed = { kind: 'measured' } | { kind: 'macs'; gmacPerSecond: number };

/**
 * Stage times from the records sidecar. MACs model: t = MACs / (gmacPerSecond·10⁶) ms. Measured
 * model: exit j's measured time covers trunk(j) + head(j); it is split between the two in
 * proportion to their MACs (the sidecar measures whole prefixes, not layers).
 */
export function stageTimesFromSidecar(
  meta: RecordsSidecar | undefined,
  numExits: number,
  device: DeviceSpeed,
): StageTimes {
  const costs = sidecarExitCosts(meta, numExits);
  if (!costs)
    throw new RecordFormatError(
      'records have no sidecar with per-exit costs ("exits"): latency needs MACs, measured times and split-tensor sizes',
    );
  const side = costs.slice(0, numExits - 1);
  const splitBytes = side.map((c, j) => {
    if (!(Number.isFinite(c.splitTensorBytes) && (c.splitTensorBytes as number) >= 0)) {
      throw new RecordFormatError(
        `records sidecar: exits[${j}].splitTensorBytes = ${String(c.splitTensorBytes)}, expected a byte count`,
      );
    }
    return c.splitTensorBytes as number;
  });
  if (device.kind === 'macs') {
    const speed = device.gmacPerSecond;
    if (!(speed > 0) || !Number.isFinite(speed))
      throw new ConfigError(`device speed ${speed} GMAC/s: expected a number > 0`);
    const ms = (macs: number) => macs / (speed * 1e6);
    return {
      trunkMs: side.map((c) => ms(c.trunkMacs)),
      headMs: side.map((c) => ms(c.macs - c.trunkMacs)),
      fullMs: ms(costs[numExits - 1].macs),
      splitBytes,
    };
  }
  const measured = costs.map((c, e) => {
    const t = c.inferenceMsPerSample;
    if (!(typeof t === 'number' && Number.isFinite(t) && t >= 0)) {
      throw new RecordFormatError(
        `records sidecar: exits[${e}].inferenceMsPerSample is missing or invalid (${String(t)}); give a device speed (MACs model) instead`,
      );
    }
    return t;
  });
  const trunkMs = side.map((c, j) => (c.macs > 0 ? (measured[j] * c.trunkMacs) / c.macs : 0));
  return { trunkMs, headMs: side.map((_, j) => measured[j] - trunkMs[j]), fullMs: measured[numExits - 1], splitBytes };
}

/** Network and cloud side of the model. */
export interface NetworkConfig {
  /** Uplink rate in Mbit/s (> 0). */
  uplinkMbps: number;
  /** Round-trip time added to every offloaded sample, ms (default 0). */
  rttMs?: number;
  /**
   * Cloud compute of the rest of the trunk: `speedup` γ = device time / cloud time (POPEX's γ),
   * or measured `ms` per sample (one value, or one per split point k = 1…B).
   */
  cloud: { speedup: number } | { ms: number | readonly number[] };
  /** Wire format of the split tensor (default fp32: the sidecar's bytes). */
  tensorDtype?: TensorDtype;
}

/** Latency of each cascade outcome for k device branches, ms. */
export interface CascadeLatency {
  /** exitMs[j−1]: answered at device exit j (device time only). */
  exitMs: number[];
  /** Offloaded after branch k: deviceMs + rttMs + uploadMs + cloudMs. */
  offloadMs: number;
  parts: { deviceMs: number; rttMs: number; uploadMs: number; cloudMs: number };
}

/** Latency of every outcome of a k-branch cascade (disabled heads cost nothing, as for MACs). */
export function cascadeLatency(
  stage: StageTimes,
  net: NetworkConfig,
  edgeExits: number,
  disabled?: ReadonlySet<number>,
): CascadeLatency {
  const k = edgeExits;
  if (!Number.isInteger(k) || k < 1 || k > stage.trunkMs.length) {
    throw new ConfigError(
      `edge exits k = ${k}: expected an integer in [1, ${stage.trunkMs.length}] (the number of side branches)`,
    );
  }
  const rttMs = net.rttMs ?? 0;
  if (!(rttMs >= 0) || !Number.isFinite(rttMs)) throw new ConfigError(`RTT ${rttMs} ms: expected a number ≥ 0`);
  const dev = cascadeDeviceCosts(stage.trunkMs, stage.headMs, k, disabled);
  const bytes = (stage.splitBytes[k - 1] * BYTES_PER_ELEMENT[net.tensorDtype ?? 'fp32']) / 4;
  let cloudMs: number;
  if ('speedup' in net.cloud) {
    const g = net.cloud.speedup;
    if (!(g > 0) || !Number.isFinite(g)) throw new ConfigError(`cloud speed-up γ = ${g}: expected a number > 0`);
    cloudMs = Math.max(0, stage.fullMs - stage.trunkMs[k - 1]) / g;
  } else {
    const m = net.cloud.ms;
    cloudMs = typeof m === 'number' ? m : m[k - 1];
    if (!(cloudMs >= 0) || !Number.isFinite(cloudMs))
      throw new ConfigError(`cloud time for k = ${k}: ${String(cloudMs)} ms, expected a number ≥ 0`);
  }
  const up = uploadMs(bytes, net.uplinkMbps);
  return {
    exitMs: dev.exit,
    offloadMs: dev.offload + rttMs + up + cloudMs,
    parts: { deviceMs: dev.offload, rttMs, uploadMs: up, cloudMs },
  };
}

/**
 * The same latencies in the three-number form of the offloading-driven calibration
 * (`ExitLatency`): overheadMs is whatever an offloaded sample costs beyond device time up to exit k
 * and the cloud, so `offloadedMs` reproduces `offloadMs` exactly.
 */
export function exitLatencyOf(c: CascadeLatency): ExitLatency {
  const k = c.exitMs.length;
  return { deviceMs: c.exitMs, overheadMs: c.offloadMs - c.exitMs[k - 1] - c.parts.cloudMs, cloudMs: c.parts.cloudMs };
}
