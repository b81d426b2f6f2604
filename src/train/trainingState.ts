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
