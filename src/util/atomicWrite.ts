import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputError } from '../errors';
import { checkWritable, failureWords, makeFolder } from './writeAccess';

/**
 * Pseudo-filesystems whose entries are not files: writing there either replaces a device node
 * with a regular file (as root) or never terminates (mkdir -p under /proc/self/…). /dev/shm, a
 * plain tmpfs, is allowed.
 */
const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];

function isUnder(p: string, root: string): boolean {
  return p === root || p.startsWith(root + '/');
}

/** Follow a chain of symlinks (also dangling ones) to the path that will actually be written. */
function followLinks(target: string): string {
  let p = path.resolve(target);
  for (let hops = 0; hops < 40; hops++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return p; // does not exist (yet): this is the file to create
    }
    if (!st.isSymbolicLink()) return p;
    p = path.resolve(path.dirname(p), fs.readlinkSync(p));
  }
  throw new OutputError(`${target}: too many levels of symbolic links`);
}

/** Deepest existing ancestor of `p` (p itself when it exists). */
function existingAncestor(p: string): string {
  let cur = p;
  while (!fs.existsSync(cur)) {
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

/**
 * Where a write to `target` will land, after checking that it can be a regular file: a symlink
 * is followed (its target is written, the link kept), an existing target must be a regular file,
 * no parent may be a regular file, and nothing under /proc, /sys or /dev is written. Creates the
 * missing parent folders. Every refusal is one OutputError naming the path and the reason.
 */
export function prepareOutputFile(target: string): string {
  const real = followLinks(target);
  const shown = real === path.resolve(target) ? target : `${target} (→ ${real})`;
  const anchor = existingAncestor(real);
  let anchorReal: string;
  try {
    anchorReal = fs.realpathSync(anchor);
  } catch (err) {
    throw new OutputError(
      `${shown}: cannot resolve ${anchor} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      { cause: err },
    );
  }
  const logical = anchor === real ? anchorReal : path.join(anchorReal, path.relative(anchor, real));
  for (const root of SPECIAL_ROOTS) {
    if (isUnder(logical, root) && !isUnder(logical, '/dev/shm'))
      throw new OutputError(`${shown}: refusing to write under ${root} (expected a path to a regular file)`);
  }
  if (anchor === real) {
    const st = fs.statSync(real);
    if (!st.isFile()) {
      const what = st.isDirectory()
        ? 'a directory'
        : st.isCharacterDevice() || st.isBlockDevice()
          ? 'a device'
          : st.isFIFO()
            ? 'a FIFO'
            : st.isSocket()
              ? 'a socket'
              : 'not a regular file';
      throw new OutputError(`${shown}: is ${what}, expected a regular file path`);
    }
    checkWritable(real, shown);
    return real;
  }
  if (!fs.statSync(anchor).isDirectory()) {
    throw new OutputError(`${shown}: ${anchor} is a file, not a folder, so nothing can be written under it`);
  }
  try {
    makeFolder(path.dirname(real));
  } catch (err) {
    throw new OutputError(`${shown}: cannot create folder ${path.dirname(real)} (${failureWords(err)})`, {
      cause: err,
    });
  }
  checkWritable(real, shown);
  return real;
}

/** Turn an fs failure while writing into a one-line OutputError naming the file. */
function writeFailure(target: string, err: unknown): OutputError {
  return new OutputError(`${target}: cannot write (${failureWords(err)})`, { cause: err });
}

/** Content of a file to write: bytes, text, or a producer writing it in pieces (larger than a JS string). */
export type FileContent = string | Uint8Array | ((write: (chunk: string | Uint8Array) => void) => void);

/** A complete, fsynced temporary file waiting beside its target: `commit` renames it into place. */
export interface StagedFile {
  /** The path the content will replace (a symlink's target, see `prepareOutputFile`). */
  readonly real: string;
  /** Rename the temporary file over the target (atomic on POSIX). */
  commit(): void;
  /** Remove the temporary file, leaving the target as it was. */
  discard(): void;
}

/**
 * Write `data` to a temporary file in the target's folder and fsync it, without touching the
 * target. Several files that must change together are staged first, then committed one rename
 * after the other: a full disk or a bad path fails during staging, when nothing was replaced.
 * `onChunk` sees every byte written (to compute a digest while streaming).
 */
export function stageFile(target: string, data: FileContent, onChunk?: (chunk: Uint8Array) => void): StagedFile {
  const real = prepareOutputFile(target);
  const dir = path.dirname(real);
  // Keep the temp name within NAME_MAX (255 bytes) whatever the target's name.
  const tmp = path.join(dir, `.eecal-tmp-${process.pid}-${Date.now()}-${path.basename(real).slice(-150)}`);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', existingMode(real));
  } catch (err) {
    throw writeFailure(target, err);
  }
  try {
    const write = (chunk: string | Uint8Array) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      onChunk?.(buf);
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    };
    if (typeof data === 'function') data(write);
    else write(data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch (err) {
    try {
      fs.closeSync(fd);
    } catch {
      /* already closed */
    }
    fs.rmSync(tmp, { force: true });
    throw err instanceof OutputError || !(err as NodeJS.ErrnoException).code ? err : writeFailure(target, err);
  }
  return {
    real,
    commit() {
      try {
        fs.renameSync(tmp, real);
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        throw writeFailure(target, err);
      }
    },
    discard() {
      fs.rmSync(tmp, { force: true });
    },
  };
}

/**
 * Write a file so that readers only ever see the old content or the complete new content:
 * write to a temporary file in the same directory, fsync, then rename (atomic on POSIX).
 * A crash mid-write leaves at most a `.eecal-tmp-*` file, never a half-written target.
 * `data` may be a producer that writes the content in pieces (content larger than a JS string).
 * A symlink target is written through (the link stays); see `prepareOutputFile` for refusals.
 */
export function writeFileAtomic(target: string, data: FileContent): void {
  stageFile(target, data).commit();
}

/** Mode of an existing file (kept when it is replaced), else the default 0o666 (less umask). */
function existingMode(file: string): number {
  try {
    return fs.statSync(file).mode & 0o7777;
  } catch {
    return 0o666;
  }
}

/** `writeFileAtomic` for JSON, pretty-printed with a trailing newline. */
export function writeJsonAtomic(target: string, value: unknown): void {
  writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Replace a whole directory atomically-enough: build it under a temporary sibling, then swap.
 * Used for checkpoints, where weights + optimizer state + metadata must change together.
 */
export function replaceDirAtomic(target: string, build: (tmpDir: string) => void | Promise<void>): Promise<void> {
  const parent = path.dirname(target);
  const tmp = path.join(parent, `.eecal-tmp-${process.pid}-${Date.now()}-${path.basename(target)}`);
  try {
    makeFolder(parent);
    fs.mkdirSync(tmp);
  } catch (err) {
    throw writeFailure(target, err);
  }
  return Promise.resolve(build(tmp)).then(
    () => {
      const old = `${tmp}-old`;
      try {
        if (fs.existsSync(target)) fs.renameSync(target, old);
        fs.renameSync(tmp, target);
      } catch (err) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw writeFailure(target, err);
      }
      fs.rmSync(old, { recursive: true, force: true });
    },
    (err) => {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    },
  );
}
