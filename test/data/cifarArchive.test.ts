import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDataset } from '../../src/data/loadDataset';
import { loadImageFolderCached } from '../../src/data/decodedCache';
import { DataError } from '../../src/errors';
import { encodePng, pattern, tempDir, writeCifarBinary, writeTar, writeTinyCifarRelease, BIN_TRAIN } from './fixtures';

const OFFICIAL_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
const md5 = (file: string) => crypto.createHash('md5').update(fs.readFileSync(file)).digest('hex');

/** A tiny binary release packed as the official archive is: cifar-10-batches-bin/<files>. */
async function binaryArchive(
  root: string,
  name: string,
  seedBase: number,
  gzip = true,
): Promise<{ archive: string; testLabels: number[]; firstTrainByte: number }> {
  const dir = path.join(root, `${name}-src`);
  writeTinyCifarRelease(dir);
  // Different pixels (and labels of the test batch) per archive, so a reused extraction shows.
  const trainRecs = writeCifarBinary(dir, BIN_TRAIN, [4, 4, 4, 4, 4], seedBase).flat();
  const testRecs = writeCifarBinary(dir, ['test_batch.bin'], [3], seedBase + 1000).flat();
  const files = new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
  const archive = path.join(root, gzip ? `${name}.tar.gz` : `${name}.tar`);
  await writeTar(archive, files, gzip, 'cifar-10-batches-bin/');
  return { archive, testLabels: testRecs.map((r) => r[0]), firstTrainByte: trainRecs[0][1] };
}

test('a binary CIFAR-10 archive as --data: MD5-checked against the official archive, error names the file', async () => {
  const root = tempDir('md5');
  const { archive } = await binaryArchive(root, 'repacked', 0);
  const cacheDir = path.join(root, 'cache');
  // No injected source: the official MD5 applies, and this archive is not the official one.
  await assert.rejects(
    loadDataset({ name: 'cifar10', data: archive, valSize: 4, cacheDir }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message.startsWith(`${archive}: MD5 ${md5(archive)}; expected ${OFFICIAL_MD5}`) &&
      e.message.includes('cifar-10-binary.tar.gz'),
  );
  // Nothing was extracted from the rejected archive.
  assert.equal(fs.existsSync(path.join(cacheDir, 'extracted')), false);
  // A truncated copy of an archive whose MD5 is the expected one also fails the check.
  const cut = path.join(root, 'cut.tar.gz');
  fs.writeFileSync(cut, fs.readFileSync(archive).subarray(0, 200));
  await assert.rejects(
    loadDataset({ name: 'cifar10', data: cut, valSize: 4, cacheDir, download: { url: 'unused', md5: md5(archive) } }),
    DataError,
  );
  fs.rmSync(root, { recursive: true });
});

test('the extraction is keyed by the archive MD5: another archive (same path, size, mtime) is never served the old one', async () => {
  const root = tempDir('key');
  // Uncompressed, so both archives have exactly the same size.
  const a = await binaryArchive(root, 'a', 0, false);
  const b = await binaryArchive(root, 'b', 77, false);
  const cacheDir = path.join(root, 'cache');
  // A stale folder at the old, unkeyed location must not be picked up either.
  writeTinyCifarRelease(path.join(cacheDir, 'cifar-10-batches-bin'));
  const data = path.join(root, 'cifar.tar');
  fs.copyFileSync(a.archive, data);
  const stamp = new Date('2020-01-01T00:00:00Z');
  fs.utimesSync(data, stamp, stamp);
  const dsA = await loadDataset({
    name: 'cifar10',
    data,
    valSize: 4,
    cacheDir,
    download: { url: 'unused', md5: md5(a.archive) },
  });
  assert.equal(
    dsA.source,
    path.join(cacheDir, 'extracted', `cifar-10-binary-${md5(a.archive)}`, 'cifar-10-batches-bin'),
  );
  assert.deepEqual([...dsA.sets.test.labels], a.testLabels);
  assert.equal(dsA.sets.train.pixels[0], a.firstTrainByte);
  // Replace the archive by another one of the same size, with the same mtime.
  assert.equal(fs.statSync(a.archive).size, fs.statSync(b.archive).size);
  fs.copyFileSync(b.archive, data);
  fs.utimesSync(data, stamp, stamp);
  // Still checked: with A's checksum expected, B is refused.
  await assert.rejects(
    loadDataset({ name: 'cifar10', data, valSize: 4, cacheDir, download: { url: 'unused', md5: md5(a.archive) } }),
    /MD5 [0-9a-f]{32}; expected/,
  );
  const dsB = await loadDataset({
    name: 'cifar10',
    data,
    valSize: 4,
    cacheDir,
    download: { url: 'unused', md5: md5(b.archive) },
  });
  assert.equal(
    dsB.source,
    path.join(cacheDir, 'extracted', `cifar-10-binary-${md5(b.archive)}`, 'cifar-10-batches-bin'),
  );
  assert.equal(dsB.sets.train.pixels[0], b.firstTrainByte);
  assert.notEqual(a.firstTrainByte, b.firstTrainByte);
  // Loading A again reuses its own extraction (no temp leftovers beside the entries).
  fs.copyFileSync(a.archive, data);
  const again = await loadDataset({
    name: 'cifar10',
    data,
    valSize: 4,
    cacheDir,
    download: { url: 'unused', md5: md5(a.archive) },
  });
  assert.equal(again.sets.train.pixels[0], a.firstTrainByte);
  assert.deepEqual(
    fs.readdirSync(path.join(cacheDir, 'extracted')).sort(),
    [`cifar-10-binary-${md5(a.archive)}`, `cifar-10-binary-${md5(b.archive)}`].sort(),
  );
  fs.rmSync(root, { recursive: true });
});

/** A 10-class 32×32 image-folder archive (1 train + 1 test PNG per class), cifar10-jpeg.tar.gz style. */
function imageArchiveFiles(swap: boolean): Map<string, Buffer> {
  const classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  const files = new Map<string, Buffer>();
  for (const split of ['train', 'test'])
    classes.forEach((cls, k) => {
      // swap: cat ↔ dog folder names (same length, so the tar has the same size) → those labels swap.
      const name = swap && cls === 'cat' ? 'dog' : swap && cls === 'dog' ? 'cat' : cls;
      files.set(`${split}/${name}/0.png`, encodePng(pattern(32, 32, k), 32, 32));
    });
  return files;
}

test('an image-folder archive as cifar10 --data is not MD5-checked; its decoded cache is keyed by content', async () => {
  const root = tempDir('img');
  const data = path.join(root, 'cifar10-jpeg.tar');
  const other = path.join(root, 'other.tar');
  await writeTar(data, imageArchiveFiles(false), false);
  await writeTar(other, imageArchiveFiles(true), false);
  assert.equal(fs.statSync(data).size, fs.statSync(other).size);
  const cacheDir = path.join(root, 'cache');
  // The official MD5 is expected by default, yet an image archive loads: it is not the binary release.
  const ds = await loadDataset({ name: 'cifar10', data, valSize: 0, cacheDir });
  assert.equal(ds.sets.train.count, 10);
  assert.deepEqual([...ds.sets.test.labels], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(fs.existsSync(path.join(cacheDir, 'extracted')), false);
  const stamp = new Date('2020-01-01T00:00:00Z');
  fs.utimesSync(data, stamp, stamp);
  assert.equal((await loadImageFolderCached(data, {}, cacheDir)).fromCache, false);
  assert.equal((await loadImageFolderCached(data, {}, cacheDir)).fromCache, true);
  // Same path, same size, same mtime, other bytes: decoded again, cat/dog labels follow the new archive.
  fs.copyFileSync(other, data);
  fs.utimesSync(data, stamp, stamp);
  const swapped = await loadImageFolderCached(data, {}, cacheDir);
  assert.equal(swapped.fromCache, false);
  const labelOf = (set: typeof swapped.sets.test, k: number) => {
    const px = pattern(32, 32, k);
    for (let i = 0; i < set!.count; i++)
      if (set!.pixels.subarray(i * 3072, i * 3072 + 3072).every((v, j) => v === px[j])) return set!.labels[i];
    return -1;
  };
  assert.equal(labelOf(swapped.sets.test, 3), 5); // pattern 3 (was cat = 3) now sits in dog/ = 5
  assert.equal(labelOf(swapped.sets.test, 5), 3);
  assert.equal(labelOf(swapped.sets.test, 0), 0);
  fs.rmSync(root, { recursive: true });
});
