import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCifarBinarySet, readCifarClassNames } from '../../src/data/cifarBinary';
import { loadDataset } from '../../src/data/loadDataset';
import { DataError } from '../../src/errors';
import { tempDir, writeCifarBinary, writeTinyCifarRelease, BIN_TRAIN } from './fixtures';

test('CHW records become HWC: pixel (y, x) channel c = plane c at y·32 + x', () => {
  const dir = tempDir('bin');
  const [recs] = writeCifarBinary(dir, ['b.bin'], [3]);
  const set = readCifarBinarySet(dir, ['b.bin'], 'train');
  assert.equal(set.count, 3);
  assert.deepEqual([...set.labels], [0, 1, 2]);
  for (const [r, y, x, c] of [
    [0, 0, 0, 0],
    [1, 5, 7, 1],
    [2, 31, 31, 2],
    [2, 0, 31, 1],
  ]) {
    assert.equal(set.pixels[r * 3072 + (y * 32 + x) * 3 + c], recs[r][1 + c * 1024 + y * 32 + x]);
  }
  fs.rmSync(dir, { recursive: true });
});

test('truncated file, bad label and missing file are DataErrors naming the file', () => {
  const dir = tempDir('bad');
  writeCifarBinary(dir, ['t.bin'], [2]);
  fs.truncateSync(path.join(dir, 't.bin'), 3073 * 2 - 100);
  assert.throws(
    () => readCifarBinarySet(dir, ['t.bin'], 'train'),
    (e: unknown) =>
      e instanceof DataError &&
      e.message.includes(path.join(dir, 't.bin')) &&
      /6046 bytes is not a whole number of 3073-byte records/.test(e.message),
  );
  fs.writeFileSync(path.join(dir, 'empty.bin'), '');
  assert.throws(() => readCifarBinarySet(dir, ['empty.bin'], 'train'), /empty\.bin: 0 bytes/);
  const bad = Buffer.alloc(3073);
  bad[0] = 12;
  fs.writeFileSync(path.join(dir, 'l.bin'), bad);
  assert.throws(
    () => readCifarBinarySet(dir, ['l.bin'], 'test'),
    /l\.bin: record 0 \(byte 0\) has label 12; expected 0–9/,
  );
  assert.throws(
    () => readCifarBinarySet(dir, ['nope.bin'], 'test'),
    /nope\.bin: missing; expected the CIFAR-10 binary batch files/,
  );
  fs.writeFileSync(path.join(dir, 'batches.meta.txt'), 'a\nb\n');
  assert.throws(() => readCifarClassNames(dir), /batches\.meta\.txt: found 2 class names; expected 10/);
  fs.rmSync(dir, { recursive: true });
});

test('loadDataset on a binary folder: split sizes, stratified val, stats from the train split only', async () => {
  const root = tempDir('rel');
  const dir = path.join(root, 'cifar-10-batches-bin');
  const { train, test: testRecs } = writeTinyCifarRelease(dir);
  // 20 train records, labels (fi + r) % 10 → classes 0..7 with 2–4 records each; valSize 5.
  const ds = await loadDataset({ name: 'cifar10', data: root, valSize: 5, seed: 3 });
  assert.equal(ds.source, dir);
  assert.equal(ds.classNames[9], 'truck');
  assert.deepEqual(ds.shape, [32, 32, 3]);
  assert.equal(ds.splits.train.indices.length, 15);
  assert.equal(ds.splits.val.indices.length, 5);
  assert.equal(ds.splits.test.indices.length, 3);
  assert.equal(ds.sets.test.labels[2], testRecs[2][0]);
  const inVal = new Set(ds.splits.val.indices);
  assert.ok([...ds.splits.train.indices].every((i) => !inVal.has(i)));
  // Independent check of the statistics: straight from the CHW record bytes of the train split.
  for (let c = 0; c < 3; c++) {
    let s = 0;
    let s2 = 0;
    for (const i of ds.splits.train.indices)
      for (let p = 0; p < 1024; p++) {
        const v = train[i][1 + c * 1024 + p] / 255;
        s += v;
        s2 += v * v;
      }
    const n = 15 * 1024;
    assert.ok(Math.abs(ds.normalization.mean[c] - s / n) < 1e-12);
    assert.ok(Math.abs(ds.normalization.std[c] - Math.sqrt(s2 / n - (s / n) ** 2)) < 1e-9);
  }
  // Same result from the binary folder itself.
  const again = await loadDataset({ name: 'cifar10', data: dir, valSize: 5, seed: 3 });
  assert.deepEqual([...again.splits.val.indices], [...ds.splits.val.indices]);
  fs.rmSync(path.join(dir, BIN_TRAIN[4]));
  // An incomplete folder is not used: loadDataset tries the (here unreachable) download instead.
  await assert.rejects(
    loadDataset({ name: 'cifar10', data: dir, download: { url: 'http://127.0.0.1:9/x.tar.gz', md5: '0' } }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message.includes(`put the official files in ${path.join(dir, 'cifar-10-batches-bin')}/`),
  );
  fs.rmSync(root, { recursive: true });
});
