import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadImageFolder } from '../../src/data/imageFolder';
import { repoRoot } from '../../src/util/repoRoot';

/** The shared CIFAR-10 JPEG archive: $EECAL_CIFAR10_ARCHIVE, else ../shared/datasets/ beside the repo. */
const archive = process.env.EECAL_CIFAR10_ARCHIVE ?? path.resolve(repoRoot(__dirname), '../shared/datasets/cifar10-jpeg.tar.gz');
const present = fs.existsSync(archive);

test('real CIFAR-10 archive: test split has 10,000 images, 1,000 per class, 32×32×3', { skip: present ? false : `CIFAR-10 archive not found at ${archive} (set EECAL_CIFAR10_ARCHIVE)` }, async () => {
  // Decode only the test set (~10 k JPEGs, a few seconds) to keep the suite fast.
  const d = await loadImageFolder(archive, { sets: ['test'] });
  assert.equal(d.sets.train, undefined);
  const t = d.sets.test!;
  assert.deepEqual(d.shape, [32, 32, 3]);
  assert.deepEqual(d.classNames, ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
  assert.equal(t.count, 10000);
  assert.equal(t.pixels.length, 10000 * 32 * 32 * 3);
  const perClass = new Array(10).fill(0);
  for (const l of t.labels) perClass[l]++;
  assert.deepEqual(perClass, new Array(10).fill(1000));
  // Real photos, not a blank buffer: the last image is decoded and varied.
  const last = t.pixels.subarray(9999 * 3072);
  assert.ok(new Set(last).size > 50);
});
