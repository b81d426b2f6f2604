import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, OutputError } from '../errors';
import { prepareOutputFile } from '../util/atomicWrite';

/** Name of the lock file in a model folder while `eecal train` writes it. */
export const LOCK_NAME = '.eecal-train.lock';

/** A held lock; `release` is idempotent and also runs on process exit. */
export interface TrainLock {
  file: string;
  release(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

/**
 * Take the lock of a model folder being trained, so two `train` runs never write the same folder.
 * The lock is created exclusively (O_EXCL) and holds the owner's PID; a lock whose PID no longer
 * runs (a crashed or killed run) is stale and taken over. A live owner is a ConfigError naming the
 * lock file and the PID. Also checks that `outDir` can be a folder (not a file, not under one).
 */
export function acquireTrainLock(outDir: string): TrainLock {
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new ConfigError(`--out ${outDir}: is an existing file, expected a model folder (new or written by eecal train)`);
  }
  const file = prepareOutputFile(path.join(outDir, LOCK_NAME));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file, { force: true });
        } catch { /* already gone */ }
      };
      process.on('exit', release);
      return { file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new OutputError(`${file}: cannot create the training lock (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
      }
    }
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(file, 'utf8').trim());
    } catch { /* removed meanwhile: retry */ }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
      throw new ConfigError(`${outDir} is being trained by process ${owner} (lock ${file}); wait for it, stop it, or choose another --out`);
    }
    // Stale (dead PID, or unreadable content): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new OutputError(`${file}: could not take the training lock (it keeps reappearing)`);
}
