import type { TrainConfig } from './trainer';

/** A named training regime: defaults for the trainer options, each with where it comes from. */
export interface Recipe {
  name: string;
  summary: string;
  /** Options the recipe fixes; explicit command-line options still override them (and are recorded). */
  options: Partial<TrainConfig>;
  /** One line per choice: the option, its value, and its source. */
  citations: string[];
  /** The run the recipe stands for, to compare epochs and optimizer updates against. */
  reference: { epochs: number; batchSize: number; trainSamples: number; adamUpdates: number; note: string };
}

/**
 * BranchyNet's reference recipe for B-AlexNet on CIFAR-10 (kunglab/branchynet,
 * experiment_alex_cifar10.py): raw images, Adam α = 1e-3 constant, equal loss weights, last weights
 * kept. The reference trained the trunk 50 epochs, then jointly 100 epochs at batch 512
 * (150 × ⌈50,000/512⌉ = 14,700 Adam updates). Overconfidence grows with passes over the data rather
 * than with the number of updates, so the recipe keeps Adam and the raw data and pre-declares
 * 30 joint epochs at batch 64 (21,120 updates on 45,000 images): long enough to overfit the NLL as
 * the reference did, short enough for a CPU.
 */
export const BRANCHYNET_RECIPE: Recipe = {
  name: 'branchynet',
  summary:
    'BranchyNet reference regime: no augmentation, Adam 1e-3 constant, equal loss weights, last weights, 30 epochs',
  options: {
    augment: false,
    learningRate: 1e-3,
    lrSchedule: 'constant',
    weightDecay: 0,
    patience: null,
    keep: 'last',
    epochs: 30,
    batchSize: 64,
  },
  citations: [
    'augment: off — the reference feeds the preprocessed CIFAR-10 without crops or flips (BranchyNet datasets/pcifar10, docs/paper-notes.md#training)',
    'optimizer: Adam, α = 1e-3, constant — Chainer Adam defaults, no schedule (BranchyNet opt="Adam", docs/paper-notes.md#training)',
    'loss weights: all 1.0 — the Branch link hard-codes weight = 1 (branchynet/links/links.py, docs/paper-notes.md#training)',
    'weights kept: last epoch — the reference saves the model after its last epoch, no early stopping (docs/paper-notes.md#training)',
    'epochs: 30 joint at batch 64, pre-declared — the reference ran 50 trunk + 100 joint epochs at batch 512 (docs/paper-notes.md#training)',
  ],
  reference: {
    epochs: 150,
    batchSize: 512,
    trainSamples: 50_000,
    adamUpdates: 150 * Math.ceil(50_000 / 512),
    note: '50 trunk-only + 100 joint epochs',
  },
};

export const RECIPES: Record<string, Recipe> = { branchynet: BRANCHYNET_RECIPE };
