import * as fs from 'node:fs';
import { ConfigError, OutputError } from '../errors';
import { failureWords, makeFolder } from './writeAccess';

/**
 * Make sure `dir` is (or can become) a folder to write into, before a long job runs: an existing
 * file is a usage error naming the option, a folder that cannot be created an OutputError.
 * Creates the folder.
 */
export function prepareOutputFolder(option: string, dir: string): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(dir);
  } catch {
    /* does not exist yet */
  }
  if (st && !st.isDirectory())
    throw new ConfigError(`${option} ${dir}: is an existing file; expected a folder (new or existing)`);
  try {
    makeFolder(dir);
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'a parent is a file, not a folder' : failureWords(err);
    throw new OutputError(`${option} ${dir}: cannot create or write this folder (${why})`, { cause: err });
  }
}
