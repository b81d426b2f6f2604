import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ensureCifarBinary } from '../../src/data/cifarDownload';
import { loadDataset } from '../../src/data/loadDataset';
import { DataError } from '../../src/errors';
import { tempDir, writeTar, writeTinyCifarRelease } from './fixtures';

/** Serve `routes` (path → bytes) on 127.0.0.1; anything else is a 404. */
async function serve(
  routes: Map<string, Buffer>,
): Promise<{ base: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = routes.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

/** Names in a folder other than the given ones (temp files would show up here). */
function leftovers(dir: string, expected: string[]): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !expected.includes(f)) : [];
}

test('downloads a fake binary archive from 127.0.0.1, checks its MD5, extracts it, loads it', async () => {
  const work = tempDir('dl');
  const rel = path.join(work, 'release', 'cifar-10-batches-bin');
  writeTinyCifarRelease(rel);
  const files = new Map(
    fs
      .readdirSync(rel)
      .map((f) => [`cifar-10-batches-bin/${f}`, fs.readFileSync(path.join(rel, f))] as [string, Buffer]),
  );
  const archive = path.join(work, 'fake.tar.gz');
  await writeTar(archive, files);
  const bytes = fs.readFileSync(archive);
  const md5 = crypto.createHash('md5').update(bytes).digest('hex');
  const srv = await serve(new Map([['/cifar.tar.gz', bytes]]));
  try {
    const dataDir = path.join(work, 'datasets');
    fs.mkdirSync(dataDir);
    const ds = await loadDataset({
      name: 'cifar10',
      data: dataDir,
      valSize: 4,
      download: { url: `${srv.base}/cifar.tar.gz`, md5 },
    });
    assert.equal(ds.splits.train.indices.length + ds.splits.val.indices.length, 20);
    assert.equal(ds.splits.test.indices.length, 3);
    assert.deepEqual(leftovers(dataDir, []).sort(), ['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
    assert.deepEqual(fs.readFileSync(path.join(dataDir, 'cifar-10-binary.tar.gz')), bytes);
    // Second call: already there, no new request.
    await ensureCifarBinary(dataDir, { url: `${srv.base}/cifar.tar.gz`, md5 });
    assert.equal(srv.hits.length, 1);
  } finally {
    await srv.close();
  }
  fs.rmSync(work, { recursive: true });
});

test('wrong checksum, HTTP 404 and an unreachable host: DataError, nothing left in datasets/', async () => {
  const work = tempDir('dlbad');
  const payload = Buffer.from('definitely not the CIFAR archive');
  const srv = await serve(new Map([['/bad.tar.gz', payload]]));
  const dataDir = path.join(work, 'datasets');
  fs.mkdirSync(dataDir);
  try {
    await assert.rejects(
      ensureCifarBinary(dataDir, { url: `${srv.base}/bad.tar.gz`, md5: 'c32a1d4ab5d03f1284b67883e8d87530' }),
      (e: unknown) =>
        e instanceof DataError &&
        /MD5 [0-9a-f]{32}; expected c32a1d4ab5d03f1284b67883e8d87530 \(checksum mismatch/.test(e.message),
    );
    assert.deepEqual(leftovers(dataDir, []), []);
    await assert.rejects(
      ensureCifarBinary(dataDir, { url: `${srv.base}/missing.tar.gz`, md5: 'x' }),
      /HTTP 404; expected 200/,
    );
    assert.deepEqual(leftovers(dataDir, []), []);
  } finally {
    await srv.close();
  }
  // Port 9 (discard) on 127.0.0.1 refuses connections: the offline case. The message says where to put the files.
  await assert.rejects(
    ensureCifarBinary(dataDir, { url: 'http://127.0.0.1:9/cifar.tar.gz', md5: 'x' }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message.includes(`put the official files in ${path.join(dataDir, 'cifar-10-batches-bin')}/`) &&
      e.message.includes(path.join(dataDir, 'cifar-10-binary.tar.gz')),
  );
  assert.deepEqual(leftovers(dataDir, []), []);
  // A corrupt archive already in place is reported, not silently replaced.
  fs.writeFileSync(path.join(dataDir, 'cifar-10-binary.tar.gz'), payload);
  await assert.rejects(
    ensureCifarBinary(dataDir),
    /cifar-10-binary\.tar\.gz: MD5 [0-9a-f]{32}; expected c32a1d4ab5d03f1284b67883e8d87530/,
  );
  fs.rmSync(work, { recursive: true });
});

test('an archive that lacks the batch files is rejected and leaves no extraction folder', async () => {
  const work = tempDir('dlempty');
  const archive = path.join(work, 'other.tar.gz');
  await writeTar(archive, new Map([['readme.txt', Buffer.from('hi')]]));
  const md5 = crypto.createHash('md5').update(fs.readFileSync(archive)).digest('hex');
  const srv = await serve(new Map([['/o.tar.gz', fs.readFileSync(archive)]]));
  const dataDir = path.join(work, 'datasets');
  try {
    await assert.rejects(
      ensureCifarBinary(dataDir, { url: `${srv.base}/o.tar.gz`, md5 }),
      /does not contain cifar-10-batches-bin\//,
    );
    assert.deepEqual(leftovers(dataDir, ['cifar-10-binary.tar.gz']), []);
  } finally {
    await srv.close();
  }
  fs.rmSync(work, { recursive: true });
});
