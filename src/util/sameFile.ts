import * as fs from 'node:fs';

/**
 * Identity of the file a path names, after following every symlink: device and inode, so two
 * names of one file (a symlink, a hard link, `./x` and `x`) compare equal. Null when the path
 * does not exist (yet) or cannot be reached.
 */
export function fileIdentity(p: string): { dev: number; ino: number } | null {
  try {
    const st = fs.statSync(p);
    return { dev: st.dev, ino: st.ino };
  } catch {
    return null;
  }
}

/** True when both paths exist and name the same file (or folder), through any links. */
export function sameFile(a: string, b: string): boolean {
  const x = fileIdentity(a);
  const y = fileIdentity(b);
  return x !== null && y !== null && x.dev === y.dev && x.ino === y.ino;
}
