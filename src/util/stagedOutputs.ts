import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputError } from '../errors';
import { writeJsonAtomic } from './atomicWrite';
import { failureWords, makeFolder } from './writeAccess';

/**
 * Output sets (a folder of figures and tables, a report file) that a long job builds and that
 * must never be seen half old, half new. The job writes everything under one staging folder that
 * mirrors the targets' layout below their common ancestor (so relative links between the outputs
 * stay right), then `commit` swaps each set into place: a file by one rename (atomic), a folder by
 * moving the old one aside into the staging folder and renaming the new one in. Killed while
 * building, the targets are untouched; killed between a folder's two renames, the next
 * `openStaging` over the same ancestor moves the old folder back. Either way every set is wholly
 * old or wholly new.
 */

const PREFIX = '.eecal-staging-';
const JOURNAL = 'swap.json';

/** What the staging folder records just before swapping: the sets, relative to the common ancestor. */
interface SwapJournal {
  pid: number;
  targets: string[];
}

/** An open staging folder: map targets to staged paths, then commit or discard. */
export interface OutputStaging {
  /** The staging folder (inside the targets' common ancestor, so renames stay on one filesystem). */
  readonly dir: string;
  /** Where the job writes what will become `target` (an absolute path below the common ancestor). */
  staged(target: string): string;
  /** Swap every set that was written into place, files last; the staging folder is removed. */
  commit(): void;
  /** Remove the staging folder; the targets stay as they were. */
  discard(): void;
}

/** Deepest folder holding every path. */
function commonAncestor(paths: string[]): string {
  let anc = path.dirname(paths[0]);
  for (const p of paths) {
    while (anc !== path.dirname(anc) && path.relative(anc, p).startsWith('..')) anc = path.dirname(anc);
  }
  return anc;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finish what an interrupted run left under `root`: a staging folder whose owner is gone is
 * removed, after moving back any old set it had moved aside and not yet replaced. Returns the
 * targets restored to their old content.
 */
export function recoverStaging(root: string): string[] {
  const restored: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return restored;
  }
  for (const name of entries) {
    const m = new RegExp(`^${PREFIX.replace(/\./g, '\\.')}(\\d+)-`).exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    const dir = path.join(root, name);
    const journal = path.join(dir, JOURNAL);
    if (fs.existsSync(journal)) {
      const { targets } = JSON.parse(fs.readFileSync(journal, 'utf8')) as SwapJournal;
      for (const rel of targets) {
        const old = path.join(dir, 'old', rel);
        const target = path.join(root, rel);
        if (!fs.existsSync(target) && fs.existsSync(old)) {
          fs.renameSync(old, target);
          restored.push(target);
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return restored;
}

/**
 * Open a staging folder for `targets` (absolute paths of the output sets: folders or files),
 * after recovering what an interrupted run left. Throws OutputError when the common ancestor
 * cannot hold it (not writable); callers may then write in place.
 */
export function openStaging(targets: string[]): OutputStaging {
  const resolved = targets.map((t) => path.resolve(t));
  const root = commonAncestor(resolved);
  const dir = path.join(root, `${PREFIX}${process.pid}-${Date.now()}`);
  try {
    makeFolder(root);
  } catch (err) {
    throw new OutputError(`${root}: cannot create this folder (${failureWords(err)})`, { cause: err });
  }
  recoverStaging(root);
  try {
    makeFolder(path.join(dir, 'new'));
  } catch (err) {
    throw new OutputError(`${root}: cannot create a staging folder (${failureWords(err)})`, { cause: err });
  }
  // Renames do not cross filesystems: a target on another mount than the staging folder cannot be swapped in.
  const dev = fs.statSync(dir).dev;
  for (const t of resolved) {
    let anc = path.dirname(t);
    while (!fs.existsSync(anc)) anc = path.dirname(anc);
    if (fs.statSync(anc).dev !== dev) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new OutputError(`${t}: on another filesystem than ${root}, where its outputs would be staged`);
    }
  }
  const rel = (t: string) => path.relative(root, path.resolve(t));
  const staged = (t: string) => {
    const r = rel(t);
    if (r.startsWith('..') || path.isAbsolute(r))
      throw new OutputError(`${t}: not below ${root}, where its outputs are staged`);
    return path.join(dir, 'new', r);
  };
  return {
    dir,
    staged,
    commit() {
      const written = resolved.filter((t) => fs.existsSync(staged(t)));
      const folders = written.filter((t) => fs.statSync(staged(t)).isDirectory());
      const files = written.filter((t) => !folders.includes(t));
      writeJsonAtomic(path.join(dir, JOURNAL), { pid: process.pid, targets: folders.map(rel) } satisfies SwapJournal);
      for (const t of folders) {
        const old = path.join(dir, 'old', rel(t));
        fs.mkdirSync(path.dirname(t), { recursive: true });
        if (fs.existsSync(t)) {
          fs.mkdirSync(path.dirname(old), { recursive: true });
          fs.renameSync(t, old);
        }
        fs.renameSync(staged(t), t);
      }
      for (const t of files) {
        fs.mkdirSync(path.dirname(t), { recursive: true });
        fs.renameSync(staged(t), t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
    discard() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Staging that writes in place (when no staging folder can be used): each file is still atomic. */
export function inPlace(): OutputStaging {
  return { dir: '', staged: (t) => t, commit: () => undefined, discard: () => undefined };
}
