/**
 * Register the tslab (TypeScript) Jupyter kernel into the project-local prefix `.jupyter/`
 * (git-ignored), so notebooks run on this checkout's tslab without touching system or user
 * kernel folders. Uses Debian's /usr/bin/python3 explicitly (the shell's `python3` may be a pyenv
 * shim without Jupyter, tslab#92) and the absolute path of node_modules/.bin/tslab.
 *
 *   npx tsx scripts/register-kernel.ts          # then: JUPYTER_PATH=$PWD/.jupyter/share/jupyter jupyter …
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../src/util/repoRoot';

/** Debian's Python with Jupyter (override with $EECAL_JUPYTER_PYTHON). */
export const JUPYTER_PYTHON = process.env.EECAL_JUPYTER_PYTHON ?? '/usr/bin/python3';

/** Paths of the project-local Jupyter prefix. */
export function jupyterPaths(root = repoRoot(__dirname)) {
  const prefix = path.join(root, '.jupyter');
  return {
    prefix,
    /** Goes into JUPYTER_PATH so `jupyter` finds the kernel. */
    share: path.join(prefix, 'share', 'jupyter'),
    kernelJson: path.join(prefix, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json'),
    tslabBin: path.join(root, 'node_modules', '.bin', 'tslab'),
  };
}

/** Environment for jupyter commands: the project kernel first, quiet debugger warnings. */
export function jupyterEnv(root = repoRoot(__dirname), extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const p = jupyterPaths(root);
  return { ...process.env, JUPYTER_PATH: p.share, PYDEVD_DISABLE_FILE_VALIDATION: '1', ...extra };
}

/** True when kernel.json exists and starts the absolute tslab binary of this checkout. */
export function kernelRegistered(root = repoRoot(__dirname)): boolean {
  const p = jupyterPaths(root);
  if (!fs.existsSync(p.kernelJson)) return false;
  const spec = JSON.parse(fs.readFileSync(p.kernelJson, 'utf8')) as { argv?: string[] };
  return spec.argv?.[0] === p.tslabBin;
}

/** Register the kernel (idempotent). Returns the kernel.json path. Throws with the tool's output on failure. */
export function registerKernel(root = repoRoot(__dirname)): string {
  const p = jupyterPaths(root);
  if (!fs.existsSync(p.tslabBin)) throw new Error(`${p.tslabBin} not found: run npm ci first`);
  if (!fs.existsSync(JUPYTER_PYTHON))
    throw new Error(
      `${JUPYTER_PYTHON} not found: install Debian's jupyter-nbconvert, jupyter-client, python3-ipykernel`,
    );
  try {
    execFileSync(
      p.tslabBin,
      ['install', `--python=${JUPYTER_PYTHON}`, `--binary=${p.tslabBin}`, `--prefix=${p.prefix}`],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: jupyterEnv(root),
      },
    );
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`tslab install failed: ${e.stderr || e.stdout || e.message}`, { cause: err });
  }
  if (!kernelRegistered(root)) throw new Error(`tslab install ran but ${p.kernelJson} does not start ${p.tslabBin}`);
  return p.kernelJson;
}

if (require.main === module) {
  try {
    const file = registerKernel();
    console.log(`tslab kernel registered: ${file}`);
    console.log(`use it with: JUPYTER_PATH=${jupyterPaths().share} jupyter notebook notebooks/`);
  } catch (err) {
    console.error(`register-kernel: ${(err as Error).message}`);
    process.exit(1);
  }
}
