import type { FloatArray } from '../records/types';
import type { ExitScores } from '../records/scores';

/** NLL (nats), ECE and accuracy of one exit before (softmax of raw logits) and after calibration. */
export interface BeforeAfter {
  nllBefore: number;
  nllAfter: number;
  eceBefore: number;
  eceAfter: number;
  accuracyBefore: number;
  accuracyAfter: number;
}

/**
 * The calibrator contract (netcal-style): fit on validation logits and labels, then map logits to
 * calibrated probabilities; serialise to JSON and back through the registry
 * (`calibratorFromJSON`). One instance calibrates one exit.
 */

/** Every calibrator kind; the `kind` tag of its saved state. */
export type CalibratorKind =
  'identity' | 'temperature' | 'vector' | 'matrix' | 'histogram' | 'isotonic' | 'platt' | 'beta';

/** Saved state of each kind (what a calibration file stores per exit). */
export type IdentityState = { kind: 'identity' };
/** softmax(z / T). */
export type TemperatureState = { kind: 'temperature'; temperature: number };
/** softmax(w ⊙ z + b). */
export type VectorState = { kind: 'vector'; weights: number[]; biases: number[] };
/** softmax(W z + b); lambda/mu are the ODIR strengths it was fitted with. */
export type MatrixState = { kind: 'matrix'; weights: number[][]; biases: number[]; lambda: number; mu: number };
/** Top-label: confidence in bin b (edges[b] < c ≤ edges[b+1]) becomes values[b]. */
export type HistogramState = { kind: 'histogram'; edges: number[]; values: number[] };
/** Top-label: piecewise-linear interpolation through (x, y), clipped to [x₀, x_last]. */
export type IsotonicState = { kind: 'isotonic'; x: number[]; y: number[] };
/** Top-label: g(c) = σ(a·logit(c) + b). */
export type PlattState = { kind: 'platt'; a: number; b: number };
/** Top-label: g(c) = σ(a·ln c − b·ln(1 − c) + m) (Kull et al. 2017). */
export type BetaState = { kind: 'beta'; a: number; b: number; m: number };

/** Any calibrator state. */
export type CalibratorState =
  | IdentityState
  | TemperatureState
  | VectorState
  | MatrixState
  | HistogramState
  | IsotonicState
  | PlattState
  | BetaState;

/** What a fit did, for reports and the CLI. NLL in nats; ECE with 15 equal-width bins unless set. */
export interface FitReport extends BeforeAfter {
  /** Samples the calibrator was fitted on. */
  samples: number;
  /** Optimiser iterations (null for closed-form fits). */
  iterations: number | null;
  /** Whether the optimiser met its convergence test. */
  converged: boolean;
  /** Human-readable warnings (ECE got worse, T at a bound, class never present …). */
  warnings: string[];
}

/** One calibrator for one exit. */
export interface Calibrator {
  /** The saved kind; 'function' for a user's function calibrator (no saved state). */
  readonly kind: CalibratorKind | 'function';
  /** Whether `fit` ran (or the state was loaded). */
  readonly fitted: boolean;
  /** Report of the last `fit`, null when loaded from JSON. */
  readonly report: FitReport | null;
  /**
   * Fit on validation logits (row-major N×C, *not* probabilities) and labels in [0, C). Any
   * previous fit is discarded first. Returns `this`.
   */
  fit(logits: FloatArray, labels: Int32Array, numClasses: number): this;
  /** Calibrated probabilities, row-major N×C. Throws NotFittedError before `fit`. */
  probabilities(logits: FloatArray): Float64Array;
  /** Top-label confidence (max calibrated probability) and prediction (its argmax) per sample. */
  scores(logits: FloatArray): ExitScores;
  /** Mean NLL (nats) of the calibrated probabilities against `labels`. */
  nll(logits: FloatArray, labels: Int32Array): number;
  /** T when the calibrator is exactly softmax(z / T) (identity: 1), else null. */
  readonly scalingTemperature: number | null;
  /** Serialisable parameters. Throws NotFittedError before `fit`. */
  toJSON(): CalibratorState;
}
