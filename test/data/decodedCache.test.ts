import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadImageFolderCached } from '../../src/data/decodedCache';
import { tempDir, tinyFolderFiles, writeTar, writeTree } from './fixtures';

const tiny = tinyFolderFiles();

/** Entries of the cache folder, and any temp leftovers anywhere under it. */
function cacheEntries(cacheDir: string): string[] {
  const root = path.join(cacheDir, 'decoded');
  return fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
}

test('decoded cache: second load is a hit with identical arrays; a changed source is re-decoded, the stale entry removed', async () => {
  const work = tempDir('cache');
  const archive = path.join(work, 'tiny.tar.gz');
  await writeTar(archive, tiny.files);
  const cacheDir = path.join(work, 'datasets');
  const first = await loadImageFolderCached(archive, {}, cacheDir);
  assert.equal(first.fromCache, false);
  const [entry] = cacheEntries(cacheDir);
  assert.match(entry, /^tiny\.tar\.gz-[0-9a-f]{16}$/);
  assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'decoded', entry)).sort(), [
    'manifest.json',
    'test.labels',
    'test.u8',
    'train.labels',
    'train.u8',
  ]);
  const second = await loadImageFolderCached(archive, {}, cacheDir);
  assert.equal(second.fromCache, true);
  assert.deepEqual(second.classNames, first.classNames);
  assert.deepEqual(second.shape, first.shape);
  assert.deepEqual([...second.sets.train!.pixels], [...first.sets.train!.pixels]);
  assert.deepEqual([...second.sets.test!.labels], [...first.sets.test!.labels]);
  // Other decode options are a different entry.
  assert.equal((await loadImageFolderCached(archive, { channels: 1 }, cacheDir)).fromCache, false);
  assert.equal(cacheEntries(cacheDir).length, 2);
  const grayEntry = cacheEntries(cacheDir).find((e) => e !== entry);
  // New mtime → new key: decoded again, the old RGB entry of this source removed, the grayscale one kept.
  fs.utimesSync(archive, new Date(), new Date(Date.now() + 5000));
  assert.equal((await loadImageFolderCached(archive, {}, cacheDir)).fromCache, false);
  const now = cacheEntries(cacheDir);
  assert.equal(now.length, 2);
  assert.ok(now.includes(grayEntry!) && !now.includes(entry));
  fs.rmSync(work, { recursive: true });
});

test('decoded cache: a damaged entry is rebuilt, never returned; folder sources notice a changed file', async () => {
  const work = tempDir('cache2');
  const dir = path.join(work, 'imgs');
  writeTree(dir, tiny.files);
  const cacheDir = path.join(work, 'datasets');
  const first = await loadImageFolderCached(dir, {}, cacheDir);
  const [entry] = cacheEntries(cacheDir);
  const px = path.join(cacheDir, 'decoded', entry, 'train.u8');
  fs.truncateSync(px, 10);
  const again = await loadImageFolderCached(dir, {}, cacheDir);
  assert.equal(again.fromCache, false);
  assert.deepEqual([...again.sets.train!.pixels], [...first.sets.train!.pixels]);
  assert.equal((await loadImageFolderCached(dir, {}, cacheDir)).fromCache, true);
  // Replace one image inside a class folder (the folder's own mtime may not change).
  fs.writeFileSync(path.join(dir, 'train/cat/a.png'), tiny.files.get('train/dog/a.png')!);
  fs.utimesSync(path.join(dir, 'train/cat/a.png'), new Date(), new Date(Date.now() + 5000));
  const changed = await loadImageFolderCached(dir, {}, cacheDir);
  assert.equal(changed.fromCache, false);
  assert.notDeepEqual([...changed.sets.train!.pixels.subarray(0, 48)], [...first.sets.train!.pixels.subarray(0, 48)]);
  assert.deepEqual(
    fs.readdirSync(path.join(cacheDir, 'decoded')).filter((n) => n.startsWith('.eecal-tmp')),
    [],
  );
  fs.rmSync(work, { recursive: true });
});
