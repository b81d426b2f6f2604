import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadImageFolder } from '../../src/data/imageFolder';
import { loadDataset } from '../../src/data/loadDataset';
import { DataError } from '../../src/errors';
import { encodePng, pattern, tempDir, tinyFolderFiles, writeTar, writeTree } from './fixtures';

const tiny = tinyFolderFiles();

/** Max |a − b| over two pixel arrays. */
function maxDiff(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('image folder: sorted class labels, canonical order, PNG exact, JPEG close', async () => {
  const root = tempDir('folder');
  writeTree(root, tiny.files);
  fs.writeFileSync(path.join(root, 'README.txt'), 'ignored');
  fs.writeFileSync(path.join(root, 'train', 'cat', '.DS_Store'), 'ignored');
  const d = await loadImageFolder(root);
  assert.deepEqual(d.classNames, ['cat', 'dog']);
  assert.deepEqual(d.shape, [4, 4, 3]);
  const train = d.sets.train!;
  // Canonical order: cat/a.png, cat/b.png, cat/c.jpg, dog/a.png, dog/b.png, dog/c.jpg.
  assert.deepEqual([...train.labels], [0, 0, 0, 1, 1, 1]);
  assert.deepEqual([...train.pixels.subarray(0, 48)], [...tiny.pixels.get('train/cat/a.png')!]);
  assert.deepEqual([...train.pixels.subarray(4 * 48, 5 * 48)], [...tiny.pixels.get('train/dog/b.png')!]);
  assert.ok(
    maxDiff(train.pixels.subarray(2 * 48, 3 * 48), tiny.pixels.get('train/cat/c.jpg')!) <= 8,
    'JPEG q100 within 8 levels',
  );
  assert.deepEqual([...d.sets.test!.labels], [0, 0, 1, 1]);
  fs.rmSync(root, { recursive: true });
});

test('the .tar.gz and .tar of a folder (any entry order, wrapper folder) give identical arrays', async () => {
  const root = tempDir('tar');
  writeTree(path.join(root, 'dir'), tiny.files);
  const reversed = new Map([...tiny.files].reverse());
  await writeTar(path.join(root, 'a.tar.gz'), reversed, true, 'wrapped/');
  await writeTar(path.join(root, 'b.tar'), tiny.files, false);
  const fromDir = await loadImageFolder(path.join(root, 'dir'));
  for (const archive of ['a.tar.gz', 'b.tar']) {
    const d = await loadImageFolder(path.join(root, archive));
    assert.deepEqual(d.classNames, fromDir.classNames);
    assert.deepEqual([...d.sets.train!.pixels], [...fromDir.sets.train!.pixels]);
    assert.deepEqual([...d.sets.test!.labels], [...fromDir.sets.test!.labels]);
  }
  const testOnly = await loadImageFolder(path.join(root, 'a.tar.gz'), { sets: ['test'] });
  assert.equal(testOnly.sets.train, undefined);
  assert.deepEqual([...testOnly.sets.test!.pixels], [...fromDir.sets.test!.pixels]);
  // The same split seed selects the same validation images from the folder and the archive.
  const a = await loadDataset({ name: 'folder', data: path.join(root, 'dir'), valSize: 2, seed: 9, cache: false });
  const b = await loadDataset({
    name: 'folder',
    data: path.join(root, 'a.tar.gz'),
    valSize: 2,
    seed: 9,
    cacheDir: path.join(root, 'cache'),
  });
  assert.deepEqual([...a.splits.val.indices], [...b.splits.val.indices]);
  assert.deepEqual(a.normalization, b.normalization);
  fs.rmSync(root, { recursive: true });
});

test('resize (bilinear) and grayscale options', async () => {
  const root = tempDir('resize');
  const files = new Map<string, Buffer>();
  const flat = new Uint8Array(4 * 4 * 3).fill(0);
  for (let p = 0; p < 16; p++) flat.set([200, 100, 50], 3 * p);
  for (const rel of ['train/x/1.png', 'test/x/1.png']) files.set(rel, encodePng(flat, 4, 4));
  files.set('train/x/2.png', encodePng(pattern(6, 5, 1), 6, 5)); // a different size: fine once resized
  writeTree(root, files);
  await assert.rejects(
    loadImageFolder(root),
    (e: unknown) =>
      e instanceof DataError &&
      /train\/x\/2\.png: image is 5×6; expected 4×4 like (test|train)\/x\/1\.png/.test(e.message),
  );
  const d = await loadImageFolder(root, { size: [2, 3], channels: 1 });
  assert.deepEqual(d.shape, [2, 3, 1]);
  // A constant image stays constant under bilinear resize; luminance 0.299·200 + 0.587·100 + 0.114·50 = 124.2 → 124.
  assert.deepEqual([...d.sets.test!.pixels], [124, 124, 124, 124, 124, 124]);
  fs.rmSync(root, { recursive: true });
});

test('bad folders: unreadable image, empty or unknown class folder, stray files, truncated archive', async () => {
  const root = tempDir('bad');
  const variant = async (name: string, edit: (dir: string) => void, pattern: RegExp) => {
    const dir = path.join(root, name);
    writeTree(dir, tiny.files);
    edit(dir);
    await assert.rejects(loadImageFolder(dir), (e: unknown) => e instanceof DataError && pattern.test(e.message), name);
  };
  await variant(
    'garbage',
    (d) => fs.writeFileSync(path.join(d, 'train/cat/b.png'), 'not an image'),
    /train\/cat\/b\.png: unreadable image \(not a JPEG or PNG/,
  );
  await variant(
    'cutpng',
    (d) => fs.writeFileSync(path.join(d, 'train/dog/a.png'), tiny.files.get('train/dog/a.png')!.subarray(0, 40)),
    /train\/dog\/a\.png: unreadable image/,
  );
  await variant('empty', (d) => fs.mkdirSync(path.join(d, 'train/bird')), /train\/bird: empty class folder/);
  await variant(
    'unknown',
    (d) => writeTree(d, new Map([['test/cow/a.png', tiny.files.get('test/cat/b.png')!]])),
    /test\/cow: unknown class folder "cow"; expected one of the train\/ classes: cat, dog/,
  );
  await variant(
    'missing',
    (d) => fs.rmSync(path.join(d, 'test/dog'), { recursive: true }),
    /class folder "dog" is missing/,
  );
  await variant(
    'txt',
    (d) => fs.writeFileSync(path.join(d, 'train/cat/notes.txt'), 'x'),
    /train\/cat\/notes\.txt: not an image file; expected \.jpg, \.jpeg, \.png/,
  );
  await variant('nosplit', (d) => fs.rmSync(path.join(d, 'test'), { recursive: true }), /no test\/ folder/);
  await variant(
    'extra',
    (d) => fs.mkdirSync(path.join(d, 'val')),
    /unexpected folder "val"; expected only train\/ and test\//,
  );

  const archive = path.join(root, 'cut.tar.gz');
  await writeTar(archive, tiny.files);
  const full = fs.readFileSync(archive);
  fs.writeFileSync(archive, full.subarray(0, Math.floor(full.length * 0.6)));
  await assert.rejects(
    loadImageFolder(archive),
    (e: unknown) =>
      e instanceof DataError && e.message.includes(archive) && /truncated or corrupt archive/.test(e.message),
  );
  await assert.rejects(loadImageFolder(path.join(root, 'none.tar.gz')), /none\.tar\.gz: not found/);
  fs.rmSync(root, { recursive: true });
});
