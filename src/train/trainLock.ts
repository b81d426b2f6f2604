import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, OutputError } from '../errors';
import { prepareOutputFile } from '../util/atomicWrite';
import { failureWords } from '../util/writeAccess';

/** Name of the lock file in a model folder while `eecal train` writes it. */
export const LOCK_NAME = '.eecal-train.lock';

/** A held lock; `release` is idempotent and also runs on process exit. */
export interface TrainLock {
  file: string;
  release(): void;
}

/**
 * Start time of a process (clock ticks since boot, field 22 of /proc/PID/stat), or null where
 * /proc is unavailable. With the PID it identifies the process: a PID reused by another process
 * after a crash has another start time.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is parenthesised and may hold spaces: count fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** The lock's content: "PID START" (START absent where /proc is unavailable, and in older locks). */
function parseLock(text: string): { pid: number; start: string | null } {
  const [pid, start] = text.trim().split(/\s+/);
  return { pid: Number(pid), start: start ?? null };
}

/** True when the lock's owner still runs: its PID is alive and, when recorded, has the same start time. */
function ownerAlive(pid: number, start: string | null): boolean {
  if (!pidAlive(pid)) return false;
  if (start === null) return true;
  const now = processStartTime(pid);
  return now === null || now === start;
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
 * The lock is created exclusively (O_EXCL) and holds the owner's PID and start time; a lock whose
 * owner no longer runs (a crashed or killed run, also when its PID now belongs to another process)
 * is stale and taken over. A live owner is a ConfigError naming the
 * lock file and the PID. Also checks that `outDir` can be a folder (not a file, not under one).
 */
export function acquireTrainLock(outDir: string): TrainLock {
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new ConfigError(
      `--out ${outDir}: is an existing file, expected a model folder (new or written by eecal train)`,
    );
  }
  const file = prepareOutputFile(path.join(outDir, LOCK_NAME));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      const start = processStartTime(process.pid);
      fs.writeSync(fd, `${process.pid}${start === null ? '' : ` ${start}`}\n`);
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (parseLock(fs.readFileSync(file, 'utf8')).pid === process.pid) fs.rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return { file, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new OutputError(`${file}: cannot create the training lock (${failureWords(err)})`, { cause: err });
      }
    }
    let owner = { pid: NaN, start: null as string | null };
    try {
      owner = parseLock(fs.readFileSync(file, 'utf8'));
    } catch {
      /* removed meanwhile: retry */
    }
    if (
      Number.isInteger(owner.pid) &&
      owner.pid > 0 &&
      owner.pid !== process.pid &&
      ownerAlive(owner.pid, owner.start)
    ) {
      throw new ConfigError(
        `${outDir} is being trained by process ${owner.pid} (lock ${file}); wait for it, stop it, or choose another --out`,
      );
    }
    // Stale (owner gone, its PID reused by another process, or unreadable content): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new OutputError(`${file}: could not take the training lock (it keeps reappearing)`);
}
