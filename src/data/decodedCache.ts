import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceDirAtomic } from '../util/atomicWrite';
import { loadImageFolder, type ImageFolderData, type ImageFolderOptions } from './imageFolder';
import type { SetName } from './folderLayout';
import type { ImageSet, ImageShape } from './types';

/** Bump when the decoded layout or decoding changes, so old caches are not reused. */
const CACHE_VERSION = 2;

/** manifest.json of one cache entry: what was decoded, from which exact source file, and how. */
export interface DecodedCacheManifest {
  version: number;
  /** Absolute path of the folder/archive, its size in bytes and mtime (ms), with the fingerprint: the cache key. */
  source: string;
  /** Archive: its size. Folder: total size of its files. */
  sourceSize: number;
  /** Archive: its mtime. Folder: the newest file mtime. */
  sourceMtimeMs: number;
  /**
   * Folder: sha256 of every file's path, size and mtime (so any change invalidates). Archive: sha256
   * of its bytes, so another archive never reuses the entry, even at the same path, size and mtime.
   */
  sourceFingerprint: string;
  decode: { size: [number, number] | null; channels: 1 | 3 };
  shape: ImageShape;
  classNames: string[];
  counts: Record<SetName, number>;
}

/**
 * Decoding 60,000 JPEGs takes 10–20 s on an idle 2-core machine and much longer beside a training
 * job, so the decoded uint8 arrays are kept under `<cacheDir>/decoded/<key>/` (raw `train.u8`,
 * `test.u8` pixels and int32 little-endian `*.labels` files + manifest.json). The entry is written as
 * a whole folder with `replaceDirAtomic`, so a crash never leaves a half-written cache; a later load
 * of the same source (same path, size, mtime and, for an archive, content hash; same decode
 * options) reads it back in well under a second. Hashing an archive costs one sequential read
 * (tens of ms for the 19 MB JPEG archive), far less than decoding it. Older entries for the same source path and options are removed when a new one is written.
 */
export async function loadImageFolderCached(
  location: string,
  opts: ImageFolderOptions,
  cacheDir: string,
): Promise<ImageFolderData & { fromCache: boolean }> {
  const manifest = await manifestFor(location, opts);
  const dir = path.join(
    cacheDir,
    'decoded',
    `${path.basename(location).replace(/[^A-Za-z0-9._-]/g, '_')}-${cacheKey(manifest)}`,
  );
  const hit = readEntry(dir, manifest);
  if (hit) return { ...hit, fromCache: true };
  const data = await loadImageFolder(location, { ...opts, sets: ['train', 'test'] });
  const full: DecodedCacheManifest = {
    ...manifest,
    shape: data.shape,
    classNames: data.classNames,
    counts: { train: data.sets.train!.count, test: data.sets.test!.count },
  };
  try {
    removeStale(path.join(cacheDir, 'decoded'), full, dir);
    await replaceDirAtomic(dir, (tmp) => {
      for (const set of ['train', 'test'] as const) {
        const s = data.sets[set]!;
        fs.writeFileSync(path.join(tmp, `${set}.u8`), s.pixels);
        fs.writeFileSync(
          path.join(tmp, `${set}.labels`),
          new Uint8Array(s.labels.buffer, s.labels.byteOffset, s.labels.byteLength),
        );
      }
      fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(full, null, 2) + '\n');
    });
  } catch (err) {
    // The cache is an optimisation: a read-only or full disk must not stop the load.
    process.emitWarning(
      `eecal: could not write the decoded-image cache ${dir} (${(err as Error).message}); the next load will decode again`,
    );
  }
  return { ...data, fromCache: false };
}

/** The key fields for a source and decode options (shape/classes/counts filled in after decoding). */
async function manifestFor(location: string, opts: ImageFolderOptions): Promise<DecodedCacheManifest> {
  const abs = path.resolve(location);
  const st = fs.statSync(abs);
  const id = st.isDirectory()
    ? folderIdentity(abs)
    : { size: st.size, mtimeMs: st.mtimeMs, fingerprint: await sha256File(abs) };
  return {
    version: CACHE_VERSION,
    source: abs,
    sourceSize: id.size,
    sourceMtimeMs: id.mtimeMs,
    sourceFingerprint: id.fingerprint,
    decode: { size: opts.size ?? null, channels: opts.channels ?? 3 },
    shape: [0, 0, 0],
    classNames: [],
    counts: { train: 0, test: 0 },
  };
}

function cacheKey(m: DecodedCacheManifest): string {
  const key = JSON.stringify([m.version, m.source, m.sourceSize, m.sourceMtimeMs, m.sourceFingerprint, m.decode]);
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** sha256 of a file's bytes, lowercase hex, streamed. */
async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Total size, newest mtime and a hash of (path, size, mtime) of every file under a folder. */
function folderIdentity(root: string): { size: number; mtimeMs: number; fingerprint: string } {
  const hash = crypto.createHash('sha256');
  let size = 0;
  let mtimeMs = 0;
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = fs.statSync(p);
      if (st.isDirectory()) {
        hash.update(`${p}/\n`);
        walk(p);
      } else {
        size += st.size;
        mtimeMs = Math.max(mtimeMs, st.mtimeMs);
        hash.update(`${p}\t${st.size}\t${st.mtimeMs}\n`);
      }
    }
  };
  walk(root);
  return { size, mtimeMs, fingerprint: hash.digest('hex') };
}

/** A complete, matching cache entry, or null (absent, stale or damaged: then it is rebuilt). */
function readEntry(dir: string, want: DecodedCacheManifest): ImageFolderData | null {
  let m: DecodedCacheManifest;
  try {
    m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as DecodedCacheManifest;
  } catch {
    return null;
  }
  if (cacheKey(m) !== cacheKey(want) || m.source !== want.source) return null;
  const per = m.shape[0] * m.shape[1] * m.shape[2];
  const sets: Partial<Record<SetName, ImageSet>> = {};
  for (const set of ['train', 'test'] as const) {
    const pixelsFile = path.join(dir, `${set}.u8`);
    const labelsFile = path.join(dir, `${set}.labels`);
    if (!fs.existsSync(pixelsFile) || fs.statSync(pixelsFile).size !== m.counts[set] * per) return null;
    if (!fs.existsSync(labelsFile) || fs.statSync(labelsFile).size !== m.counts[set] * 4) return null;
    const px = fs.readFileSync(pixelsFile);
    const lb = fs.readFileSync(labelsFile);
    // Int32Array views need 4-byte alignment; copy the (small) label file when the Buffer is pooled.
    const labels =
      lb.byteOffset % 4 === 0
        ? new Int32Array(lb.buffer, lb.byteOffset, lb.length / 4)
        : new Int32Array(Uint8Array.from(lb).buffer);
    if (labels.some((l) => l < 0 || l >= m.classNames.length)) return null;
    sets[set] = {
      name: set,
      source: m.source,
      pixels: new Uint8Array(px.buffer, px.byteOffset, px.length),
      labels,
      count: m.counts[set],
    };
  }
  return { classNames: m.classNames, shape: m.shape, sets };
}

/** Delete other cache entries of the same source path and decode options (an older version of the file). */
function removeStale(root: string, current: DecodedCacheManifest, keep: string): void {
  if (!fs.existsSync(root)) return;
  for (const name of fs.readdirSync(root)) {
    const dir = path.join(root, name);
    if (dir === keep || name.startsWith('.')) continue;
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as DecodedCacheManifest;
      if (m.source === current.source && JSON.stringify(m.decode) === JSON.stringify(current.decode))
        fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Not a cache entry of ours: leave it alone.
    }
  }
}
