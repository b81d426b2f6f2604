import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputError } from '../errors';

/** The words a user reads for the system errors a write can meet (the code itself for the rest). */
const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'file name too long',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a folder',
  EXDEV: 'temporary file on another device',
};

/** Why a file-system call failed, in words: "read-only file system" rather than EROFS. */
export function failureWords(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return (code && WHY[code]) ?? code ?? (err as Error).message;
}

/**
 * Create `dir` and its missing parents one level at a time. Node's recursive mkdir reports a
 * read-only or unwritable parent as ENOENT (it retries and then stats the missing child); making
 * each level ourselves keeps the real reason (EROFS, EACCES) in the error it throws.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  let cur = path.resolve(dir);
  while (!fs.existsSync(cur)) {
    missing.push(cur);
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  for (const level of missing.reverse()) {
    try {
      fs.mkdirSync(level);
    } catch (err) {
      // Made meanwhile by another process: fine, as recursive mkdir would have it.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Refuse, before any work, a target that cannot be written: the deepest existing folder above it
 * must allow writing (a file or folder is replaced by a rename there), and so must the target
 * itself when it is an existing folder (it may be written into). access(2) answers EROFS for a
 * read-only mount, also a read-only bind mount of one folder, so the message says why. `shown` is
 * how the message names the target.
 */
export function checkWritable(target: string, shown: string = target): void {
  let parent = path.dirname(path.resolve(target));
  while (!fs.existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
  const mustWrite = fs.statSync(target, { throwIfNoEntry: false })?.isDirectory() ? [parent, target] : [parent];
  for (const p of mustWrite) {
    try {
      fs.accessSync(p, fs.constants.W_OK);
    } catch (err) {
      throw new OutputError(`${shown}: cannot write (${failureWords(err)})`, { cause: err });
    }
  }
}
