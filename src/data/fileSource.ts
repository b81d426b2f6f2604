import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import { tarSource } from './tarSource';

/** The files of a folder or archive, as '/'-separated paths relative to its root. */
export interface SourceListing {
  files: string[];
  /** Folders (without trailing '/'), including ones with no files: needed to report empty class folders. */
  dirs: string[];
}

/**
 * A read-only tree of files: a directory on disk or a .tar/.tar.gz archive. Loaders list it
 * first (cheap), decide what they need, then read only those files in one pass.
 */
export interface FileSource {
  /** The folder or archive path, for messages. */
  location: string;
  /** How to name one file of the source in messages (path, or archive:entry). */
  describe(rel: string): string;
  list(): Promise<SourceListing>;
  /** Call `visit` with the bytes of every file in `wanted`, in the source's own order. */
  read(wanted: Set<string>, visit: (rel: string, bytes: Buffer) => void): Promise<void>;
}

/** True when `p` names a tar archive (by extension). */
export function isArchivePath(p: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/i.test(p);
}

/** Open `p` as a directory source or an archive source; DataError when it does not exist. */
export function openSource(p: string): FileSource {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new DataError(`${p}: not found; expected a dataset folder or a .tar/.tar.gz archive`);
  }
  if (st.isDirectory()) return dirSource(p);
  if (isArchivePath(p)) return tarSource(p);
  throw new DataError(`${p}: expected a folder or a .tar/.tar.gz/.tgz archive`);
}

/** A directory tree; listing is sorted so order never depends on the file system. */
export function dirSource(root: string): FileSource {
  return {
    location: root,
    describe: (rel) => path.join(root, rel),
    async list() {
      const files: string[] = [];
      const dirs: string[] = [];
      const walk = (rel: string): void => {
        const entries = fs
          .readdirSync(path.join(root, rel), { withFileTypes: true })
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
          const r = rel === '' ? e.name : `${rel}/${e.name}`;
          if (e.isDirectory()) {
            dirs.push(r);
            walk(r);
          } else if (e.isFile()) files.push(r);
        }
      };
      walk('');
      return { files, dirs };
    },
    async read(wanted, visit) {
      for (const rel of [...wanted].sort()) {
        const file = path.join(root, rel);
        let bytes: Buffer;
        try {
          bytes = fs.readFileSync(file);
        } catch (err) {
          throw new DataError(`${file}: cannot be read (${(err as Error).message})`, { cause: err });
        }
        visit(rel, bytes);
      }
    },
  };
}
