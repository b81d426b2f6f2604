import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import type { ImageSet, ImageShape } from './types';

/** CIFAR-10 binary record: 1 label byte + 1024 R + 1024 G + 1024 B (each 32×32, row-major, CHW). */
export const CIFAR_RECORD_BYTES = 3073;
export const CIFAR_SHAPE: ImageShape = [32, 32, 3];
/** Files of the official binary release (`cifar-10-batches-bin/`). */
export const CIFAR_TRAIN_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
];
export const CIFAR_TEST_FILES = ['test_batch.bin'];
export const CIFAR_META_FILE = 'batches.meta.txt';
/** The official label order, used when batches.meta.txt is absent. */
export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** True when `dir` holds the complete binary release (all six batch files). */
export function isCifarBinaryDir(dir: string): boolean {
  return [...CIFAR_TRAIN_FILES, ...CIFAR_TEST_FILES].every((f) => fs.existsSync(path.join(dir, f)));
}

/**
 * Read a set of CIFAR-10 binary batch files into one HWC uint8 buffer (CHW → HWC transpose).
 * Each file must be a non-empty whole number of 3073-byte records with labels 0–9; otherwise a
 * DataError names the file, its size and the expected multiple.
 */
export function readCifarBinarySet(dir: string, files: string[], name: 'train' | 'test'): ImageSet {
  const sizes = files.map((f) => {
    const file = path.join(dir, f);
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      throw new DataError(
        `${file}: missing; expected the CIFAR-10 binary batch files ${[...CIFAR_TRAIN_FILES, ...CIFAR_TEST_FILES].join(', ')} in ${dir}`,
      );
    }
    if (size === 0 || size % CIFAR_RECORD_BYTES !== 0) {
      throw new DataError(
        `${file}: ${size} bytes is not a whole number of ${CIFAR_RECORD_BYTES}-byte records (truncated or not a CIFAR-10 binary batch; the official files are 30,730,000 bytes = 10,000 records)`,
      );
    }
    return size;
  });
  const count = sizes.reduce((a, s) => a + s / CIFAR_RECORD_BYTES, 0);
  const pixels = new Uint8Array(count * 3072);
  const labels = new Int32Array(count);
  let at = 0;
  files.forEach((f) => {
    const file = path.join(dir, f);
    const buf = fs.readFileSync(file);
    at = decodeRecords(buf, file, pixels, labels, at);
  });
  return { name, source: dir, pixels, labels, count };
}

/** Transpose records of `buf` into `pixels` starting at image `start`; returns the next image index. */
export function decodeRecords(
  buf: Uint8Array,
  file: string,
  pixels: Uint8Array,
  labels: Int32Array,
  start: number,
): number {
  const n = buf.length / CIFAR_RECORD_BYTES;
  for (let r = 0; r < n; r++) {
    const src = r * CIFAR_RECORD_BYTES;
    const label = buf[src];
    if (label > 9)
      throw new DataError(
        `${file}: record ${r} (byte ${src}) has label ${label}; expected 0–9 (corrupt file or wrong format)`,
      );
    labels[start + r] = label;
    const dst = (start + r) * 3072;
    for (let p = 0; p < 1024; p++) {
      pixels[dst + 3 * p] = buf[src + 1 + p];
      pixels[dst + 3 * p + 1] = buf[src + 1025 + p];
      pixels[dst + 3 * p + 2] = buf[src + 2049 + p];
    }
  }
  return start + n;
}

/** Class names from batches.meta.txt (one per line), or the official list when it is absent. */
export function readCifarClassNames(dir: string): string[] {
  const file = path.join(dir, CIFAR_META_FILE);
  if (!fs.existsSync(file)) return CIFAR10_CLASSES.slice();
  const names = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length !== 10) throw new DataError(`${file}: found ${names.length} class names; expected 10, one per line`);
  return names;
}
