import * as fs from 'node:fs';
import { DataError } from '../errors';

/**
 * Read and parse a JSON file, turning a missing, unreadable or malformed (e.g. truncated) file into
 * one DataError naming the file and what it should be.
 * @param what - what the file should hold, e.g. "a model saved by eecal train".
 */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(`${file}: ${readProblem(err)} (expected ${what})`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(
      `${file}: not valid JSON, truncated or corrupt? (${(err as Error).message}; expected ${what})`,
      { cause: err },
    );
  }
}

/**
 * Why a path could not be read, in words: "not found", "a symlink loop", "permission denied" …
 * rather than the bare code, and never "not found" for a file that exists but cannot be opened.
 */
export function readProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOENT: 'not found',
    ELOOP: 'a symlink loop (too many levels of symbolic links)',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOTDIR: 'a parent is not a folder',
    ENAMETOOLONG: 'file name too long',
    EIO: 'input/output error (failing disk or network mount?)',
  };
  return (code && why[code]) ?? `cannot be read (${code ?? (err as Error).message})`;
}
