import { loadDataset, makeBatch, splitSize } from '../data/index';
import type { Normalization } from '../data/types';
import type { TrainingData } from './trainingData';
import { createRng, permutation } from '../util/rng';

/** A dataset opened for training or inference, with what the model manifest records about it. */
export interface OpenedData extends TrainingData {
  classNames: string[];
  normalization: Normalization;
  source: string;
}

/**
 * Load a dataset by name and expose it as `TrainingData`. `normalization` overrides the train-split
 * statistics (inference must normalise exactly as training did, so it passes the manifest's).
 * `maxTrain` keeps a seeded random subset of N training samples, for quick runs and CI (not the
 * first N: image folders are stored class by class, so a prefix would hold a single class).
 */
export async function openTrainingData(opts: {
  dataset: string;
  data?: string;
  splitSeed: number;
  normalization?: Normalization;
  maxTrain?: number;
}): Promise<OpenedData> {
  const ds = await loadDataset({
    name: opts.dataset as 'cifar10' | 'mnist' | 'folder',
    data: opts.data,
    seed: opts.splitSeed,
  });
  const normalization = opts.normalization ?? ds.normalization;
  const fullTrain = splitSize(ds, 'train');
  const trainSize = Math.min(fullTrain, opts.maxTrain ?? Infinity);
  const subset =
    trainSize < fullTrain
      ? permutation(fullTrain, createRng(opts.splitSeed + 1))
          .slice(0, trainSize)
          .sort()
      : null;
  return {
    numClasses: ds.classNames.length,
    classNames: ds.classNames,
    normalization,
    source: ds.source,
    size: (split) => (split === 'train' ? trainSize : splitSize(ds, split)),
    batch: (split, positions, rng) =>
      makeBatch(ds, split, split === 'train' && subset ? positions.map((p) => subset[p]) : positions, {
        normalization,
        ...(rng ? { augment: { rng } } : {}),
      }),
  };
}
