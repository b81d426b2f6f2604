import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadImageFolder } from '../../src/data/imageFolder';

/**
 * The CIFAR-10 JPEG archive from $EECAL_DATA: the archive itself, or a folder holding
 * cifar10-jpeg.tar.gz. Unset or missing: the test is skipped and says why.
 */
function jpegArchive(): { archive: string | null; why: string } {
  const data = process.env.EECAL_DATA;
  if (!data) return { archive: null, why: 'EECAL_DATA is not set (point it at cifar10-jpeg.tar.gz or its folder)' };
  const archive =
    fs.existsSync(data) && fs.statSync(data).isDirectory() ? path.join(data, 'cifar10-jpeg.tar.gz') : data;
  return fs.existsSync(archive)
    ? { archive, why: '' }
    : { archive: null, why: `CIFAR-10 JPEG archive not found at ${archive} (from EECAL_DATA)` };
}
const { archive, why } = jpegArchive();

test(
  'real CIFAR-10 archive: test split has 10,000 images, 1,000 per class, 32×32×3',
  { skip: archive ? false : why },
  async () => {
    // Decode only the test set (~10 k JPEGs, a few seconds) to keep the suite fast.
    const d = await loadImageFolder(archive!, { sets: ['test'] });
    assert.equal(d.sets.train, undefined);
    const t = d.sets.test!;
    assert.deepEqual(d.shape, [32, 32, 3]);
    assert.deepEqual(d.classNames, [
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
    ]);
    assert.equal(t.count, 10000);
    assert.equal(t.pixels.length, 10000 * 32 * 32 * 3);
    const perClass = new Array(10).fill(0);
    for (const l of t.labels) perClass[l]++;
    assert.deepEqual(perClass, new Array(10).fill(1000));
    // Real photos, not a blank buffer: the last image is decoded and varied.
    const last = t.pixels.subarray(9999 * 3072);
    assert.ok(new Set(last).size > 50);
  },
);
