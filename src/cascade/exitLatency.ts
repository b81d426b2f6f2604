/**
 * Latency of each cascade outcome in the three numbers the offloading-driven calibration needs
 * (docs/paper-notes.md#offloading-driven-ts): a sample answered at device exit i costs deviceMs[i − 1]; an offloaded
 * sample costs deviceMs[k − 1] + overheadMs + cloudMs. The full model (uplink, RTT, tensor size,
 * cloud speed-up; docs/paper-notes.md#latency-model) lives in offloading/latencyModel and reduces to this form with
 * `exitLatencyOf`, so calibration and offloading share one latency model without importing each other.
 */
export interface ExitLatency {
  /** Cumulative device time (ms) up to and including exit i, for exits 1…k. */
  deviceMs: readonly number[];
  /** Offloading overhead (ms): serialisation, upload, network round trip. */
  overheadMs: number;
  /** Cloud time (ms) to finish the inference from the split point. */
  cloudMs: number;
}

/** Latency (ms) of a sample offloaded after k device exits. */
export function offloadedMs(latency: ExitLatency, edgeExits: number): number {
  return latency.deviceMs[edgeExits - 1] + latency.overheadMs + latency.cloudMs;
}
