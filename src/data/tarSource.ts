import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import * as tarStream from 'tar-stream';
import { DataError } from '../errors';
import type { FileSource, SourceListing } from './fileSource';

/**
 * An archive read by streaming (gunzip → tar-stream), never extracted to disk: listing and
 * reading are each one sequential pass, and only wanted entries are buffered, one at a time.
 * Compression is detected from the gzip magic bytes, not the file name.
 */
export function tarSource(archive: string): FileSource {
  return {
    location: archive,
    describe: (rel) => `${archive}:${rel}`,
    async list() {
      const files: string[] = [];
      const dirs = new Set<string>();
      await forEachEntry(archive, (name, type) => {
        if (type === 'directory') dirs.add(name);
        else if (type === 'file') {
          files.push(name);
          // Archives may omit directory entries: derive the parents too.
          for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) dirs.add(name.slice(0, i));
        }
        return false;
      });
      return { files, dirs: [...dirs].sort() } satisfies SourceListing;
    },
    async read(wanted, visit) {
      let seen = 0;
      // Stop streaming once every wanted entry was read (e.g. only test/ from an archive that lists it first).
      await forEachEntry(
        archive,
        (name, type) => type === 'file' && wanted.has(name),
        (name, bytes) => {
          seen++;
          visit(name, bytes);
        },
        () => seen === wanted.size,
      );
    },
  };
}

/** Entry name normalised to 'a/b/c' (no leading './', no trailing '/'); rejects unsafe paths. */
export function normaliseEntryName(raw: string, archive: string): string {
  const name = raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (name.startsWith('/') || name.split('/').includes('..')) {
    throw new DataError(
      `${archive}: entry "${raw}" has an absolute or parent-relative path; expected paths inside the archive`,
    );
  }
  return name;
}

/**
 * One streaming pass over the archive. `want(name, type)` decides per entry whether its bytes are
 * collected and passed to `visit`; others are skipped without buffering. When `done()` turns true
 * after a visit, the pass stops there. Truncated or corrupt archives become a DataError naming
 * the archive.
 */
export async function forEachEntry(
  archive: string,
  want: (name: string, type: string) => boolean,
  visit?: (name: string, bytes: Buffer) => void,
  done?: () => boolean,
): Promise<void> {
  let stoppedEarly = false;
  const gz = isGzip(archive);
  const extract = tarStream.extract();
  const input = fs.createReadStream(archive);
  const piping = (gz ? pipeline(input, zlib.createGunzip(), extract) : pipeline(input, extract)).catch(
    (err: unknown) => err as Error,
  );
  try {
    for await (const entry of extract) {
      const name = normaliseEntryName(entry.header.name, archive);
      if (name !== '' && want(name, entry.header.type ?? 'file')) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        visit?.(name, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
        if (done?.()) {
          stoppedEarly = true;
          break; // destroys the pipeline; its "premature close" is expected, see below
        }
      } else {
        entry.resume();
      }
    }
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(
      `${archive}: truncated or corrupt archive (${(err as Error).message}); expected a complete ${gz ? '.tar.gz' : '.tar'} file`,
      { cause: err },
    );
  }
  const failed = await piping;
  if (failed instanceof Error && !stoppedEarly) {
    throw new DataError(
      `${archive}: truncated or corrupt archive (${failed.message}); expected a complete ${gz ? '.tar.gz' : '.tar'} file`,
      { cause: failed },
    );
  }
}

/** Does the file start with the gzip magic bytes 1f 8b? */
export function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Extract every regular file of an archive under `destDir` (created; paths checked by
 * `normaliseEntryName`). The caller makes this atomic by extracting into a temporary folder.
 */
export async function extractArchive(archive: string, destDir: string): Promise<number> {
  let n = 0;
  await forEachEntry(
    archive,
    (_name, type) => type === 'file',
    (name, bytes) => {
      const out = path.join(destDir, name);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, bytes);
      n++;
    },
  );
  return n;
}
