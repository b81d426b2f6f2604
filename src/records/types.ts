/**
 * The exit records: the one data contract between heavy compute (models, training, inference)
 * and analysis (calibration, metrics, offloading, plots). For one data split it holds the labels
 * and the raw, uncalibrated logits of every exit, plus (optionally) per-exit costs.
 *
 * CSV layout (the interchange format, so other frameworks can produce records):
 *   label,exit1_logit0,…,exit1_logit{C-1},exit2_logit0,…,exit{E}_logit{C-1}
 * one row per sample, exits numbered from 1 (side branches first, final exit last), classes from 0.
 */

/** Logits may come from a model (float32) or be parsed from text (float64). */
export type FloatArray = Float32Array | Float64Array;

export interface ExitRecords {
  /** Number of samples N. */
  readonly numSamples: number;
  /** Number of classes C. */
  readonly numClasses: number;
  /** Number of exits E (side branches + final exit). */
  readonly numExits: number;
  /** True class of each sample, length N, values in [0, C). */
  readonly labels: Int32Array;
  /** One row-major N×C matrix of uncalibrated logits per exit (index 0 = exit 1). */
  readonly logits: readonly FloatArray[];
  /** Sidecar metadata and per-exit costs, when known. */
  readonly meta?: RecordsSidecar;
}

/** Per-exit cost figures, computed from the model (never typed in by hand). */
export interface ExitCost {
  /** Exit name, e.g. "branch1", "branch2", "final". */
  name: string;
  /** Trainable parameters needed to produce this exit (trunk prefix + this head). */
  params: number;
  /** Parameters of this exit's own head (side branch), or of the whole trunk for the final exit. */
  headParams?: number;
  /** Multiply-accumulates per sample from the input up to and including this exit's head. */
  macs: number;
  /** Multiply-accumulates of the trunk prefix alone (what the device runs before offloading). */
  trunkMacs: number;
  /** Shape (H, W, C) of the trunk tensor sent to the cloud if the model is split at this exit; null for the final exit. */
  splitTensorShape: number[] | null;
  /** Bytes of that tensor in float32; null for the final exit. */
  splitTensorBytes: number | null;
  /** Measured inference time per sample up to and including this exit, in ms (backend-specific). */
  inferenceMsPerSample?: number;
}

/** JSON sidecar written next to a records CSV (FILE.csv → FILE.json). Versioned. */
export interface RecordsSidecar {
  format: 'eecal-exit-records';
  version: 1;
  eecalVersion?: string;
  model?: string;
  dataset?: string;
  split?: string;
  seed?: number;
  numClasses: number;
  exitNames: string[];
  exits?: ExitCost[];
  /** tfjs backend that produced the logits and timings. */
  backend?: string;
  createdAt?: string;
  /** sha256 (hex) of the CSV beside it, so a reader can refuse a CSV and sidecar that were not written together. */
  csvSha256?: string;
  [extra: string]: unknown;
}
