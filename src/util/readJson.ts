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
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'missing' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (err as Error).message})`;
    throw new DataError(`${file}: ${why} (expected ${what})`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataError(`${file}: not valid JSON, truncated or corrupt? (${(err as Error).message}; expected ${what})`, { cause: err });
  }
}
