import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Write a file so that readers only ever see the old content or the complete new content:
 * write to a temporary file in the same directory, fsync, then rename (atomic on POSIX).
 * A crash mid-write leaves at most a `.eecal-tmp-*` file, never a half-written target.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.eecal-tmp-${process.pid}-${Date.now()}-${path.basename(target)}`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
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
  fs.mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.eecal-tmp-${process.pid}-${Date.now()}-${path.basename(target)}`);
  fs.mkdirSync(tmp);
  return Promise.resolve(build(tmp)).then(
    () => {
      const old = `${tmp}-old`;
      if (fs.existsSync(target)) fs.renameSync(target, old);
      fs.renameSync(tmp, target);
      fs.rmSync(old, { recursive: true, force: true });
    },
    (err) => {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    },
  );
}
