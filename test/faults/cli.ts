import * as path from 'node:path';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { repoRoot } from '../../src/util/repoRoot';

export const root = repoRoot(__dirname);
/** The script that runs the real CLI entry under tsx. */
export const runner = path.join(root, 'test/faults/runCli.ts');

/** Run `eecal ARGS` (the TypeScript sources through tsx), synchronously. */
export function eecal(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', runner, ...args], {
    encoding: 'utf8',
    cwd: root,
    timeout: 300_000,
    env: { ...process.env, EECAL_BACKEND: 'cpu', ...env },
  });
}

/** Start `eecal ARGS` in the background; resolves with its exit code and stderr. */
export function eecalAsync(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', runner, ...args], {
    cwd: root,
    env: { ...process.env, EECAL_BACKEND: 'cpu', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, done, stderr: () => stderr };
}
