/** One row of the training log. Losses are softmax cross-entropy; accuracies are fractions. */
export interface EpochLog {
  epoch: number;
  learningRate: number;
  /** Mean training loss per exit over the epoch (dropout on, augmentation as configured). */
  trainLoss: number[];
  /** Σ wᵢ·trainLossᵢ. */
  trainLossTotal: number;
  valLoss: number[];
  valLossTotal: number;
  valAccuracy: number[];
  durationSec: number;
  samplesPerSec: number;
}

/** Everything needed to continue a run exactly; stored as state.json in a checkpoint. */
export interface TrainingState {
  /** Completed epochs. */
  epoch: number;
  /** Batches completed within the current (incomplete) epoch. */
  batch: number;
  globalStep: number;
  /** Augmentation RNG state within the current epoch, or null at an epoch boundary. */
  rngState: number | null;
  /** Running sums of per-exit training loss within the current epoch, and the sample count. */
  partialLossSums: number[];
  partialSamples: number;
  /** Training seconds spent in the current epoch before the checkpoint. */
  partialSeconds: number;
  history: EpochLog[];
  bestValLoss: number | null;
  bestEpoch: number | null;
  epochsWithoutImprovement: number;
  /** The configuration the run started with (checked on resume). */
  config: Record<string, unknown>;
  /** What the run trains on (dataset, split seed, train size, init source); checked on resume. */
  run?: Record<string, unknown>;
  /** Adam's running β₁ᵗ and β₂ᵗ (float32 values) at the checkpoint, restored exactly on resume. */
  adamAccBeta?: [number, number];
}

/**
 * Check what a checkpoint's state.json claims against what a run can reach: counts are whole
 * numbers ≥ 0, the history has one row per completed epoch, losses are finite. Throws a one-line
 * message naming the field (the caller prefixes the file).
 */
export function stateProblem(state: TrainingState, numExits: number): string | null {
  for (const k of ['epoch', 'batch', 'globalStep', 'partialSamples', 'epochsWithoutImprovement'] as const) {
    const v = state[k];
    if (!Number.isInteger(v) || v < 0) return `field "${k}" is ${JSON.stringify(v)}; expected a whole number ≥ 0`;
  }
  if (!Array.isArray(state.history) || state.history.length !== state.epoch) {
    return `field "epoch" is ${state.epoch} but "history" has ${Array.isArray(state.history) ? state.history.length : 'no'} epoch rows; expected one row per completed epoch`;
  }
  if (
    state.bestEpoch !== null &&
    (!Number.isInteger(state.bestEpoch) || state.bestEpoch < 1 || state.bestEpoch > state.epoch)
  ) {
    return `field "bestEpoch" is ${JSON.stringify(state.bestEpoch)}; expected null or an epoch in 1…${state.epoch}`;
  }
  if (state.bestValLoss !== null && !Number.isFinite(state.bestValLoss))
    return `field "bestValLoss" is ${JSON.stringify(state.bestValLoss)}; expected a finite number or null`;
  if (
    !Array.isArray(state.partialLossSums) ||
    state.partialLossSums.length !== numExits ||
    !state.partialLossSums.every(Number.isFinite)
  ) {
    return `field "partialLossSums" must hold ${numExits} finite numbers (one per exit)`;
  }
  return null;
}
