/**
 * The in-memory dataset contract shared by every loader (CIFAR-10 binary, image folders and
 * archives, MNIST IDX) and consumed by batching (`makeBatch`) and `eecal data inspect`.
 *
 * Pixels are stored once, as uint8 HWC (height × width × channels, row-major, channels last),
 * one buffer per source file set ("train" files, "test" files). Splits are index arrays into
 * those buffers, so carving out the validation set copies nothing.
 */

/** The three splits used everywhere in eecal (validation = the calibration set). */
export type SplitName = 'train' | 'val' | 'test';

/** All split names, in reporting order. */
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'];

/** Image shape as [height, width, channels]. */
export type ImageShape = [number, number, number];

/** One decoded file set: `count` images of the dataset's shape, in a canonical order. */
export interface ImageSet {
  /** "train" or "test": which source files the images came from. */
  name: 'train' | 'test';
  /** Where the images came from (file, folder or archive), for messages. */
  source: string;
  /** count × H × W × C bytes, image i at offset i·H·W·C. */
  pixels: Uint8Array;
  /** Class index of each image, 0 … numClasses−1. */
  labels: Int32Array;
  /** Number of images. */
  count: number;
}

/** A split: which set it reads and the image indices within that set (ascending). */
export interface SplitIndex {
  set: ImageSet;
  indices: Int32Array;
}

/** Per-channel normalisation constants in [0, 1] pixel units: x' = (x/255 − mean[c]) / std[c]. */
export interface Normalization {
  mean: number[];
  std: number[];
}

/** A loaded dataset: pixels, labels, class names, the three splits and train-split statistics. */
export interface LoadedDataset {
  /** Dataset name as requested ('cifar10', 'mnist', 'folder'). */
  name: string;
  /** The data location actually read (binary folder, image folder, archive or IDX folder). */
  source: string;
  /** Class names in label order (index = label). */
  classNames: string[];
  /** [H, W, C] of every image. */
  shape: ImageShape;
  /** The decoded file sets (train files, test files): the only pixel storage. */
  sets: { train: ImageSet; test: ImageSet };
  /** Split index arrays; train and val both index `sets.train`, test indexes `sets.test`. */
  splits: Record<SplitName, SplitIndex>;
  /** Mean/std per channel over the train split (not val, not test), in [0, 1] units. */
  normalization: Normalization;
  /** Seed of the train/validation split. */
  splitSeed: number;
}

/** Number of images in a split. */
export function splitSize(ds: LoadedDataset, split: SplitName): number {
  return ds.splits[split].indices.length;
}

/** Bytes per image (H·W·C). */
export function imageBytes(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}
