import * as fs from 'node:fs';

/** The backend candidates, best first. `tensorflow` is the native backend of tfjs-node(-gpu). */
export type CandidateName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export const CANDIDATE_ORDER: readonly CandidateName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/** What probing one candidate found. */
export interface CandidateStatus {
  candidate: CandidateName;
  backend: BackendName;
  /** It loaded and can run. */
  usable: boolean;
  /** One line: why it is not usable, or what it is (versions, SIMD, GPU). */
  detail: string;
}

/** Extract the missing shared library from a dlopen error, e.g. "libcudart.so.11.0". */
export function missingLibrary(message: string): string | null {
  const m = /([A-Za-z0-9_.+-]+\.so(?:\.[0-9.]+)?): cannot open shared object file/.exec(message);
  return m ? m[1] : null;
}

/**
 * Why a native package did not load, in words a user can act on. danfojs-node needs a package
 * named @tensorflow/tfjs-node; eecal's install aliases it to plain @tensorflow/tfjs, so a resolvable
 * "@tensorflow/tfjs-node" is not necessarily the native one: check its real package name.
 */
export function nativePackageProblem(pkg: string): string | null {
  let pj: string;
  try {
    pj = require.resolve(`${pkg}/package.json`);
  } catch {
    return `not installed (npm install --no-save ${pkg}@4.22.0; see environment.md)`;
  }
  const name = (JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name;
  if (name !== pkg)
    return `not installed (node_modules/${pkg} is danfojs-node's alias of ${name}, not the native package)`;
  return null;
}

/** Turn a require() failure of a native package into a one-line reason. */
export function describeLoadFailure(_pkg: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const lib = missingLibrary(msg);
  if (lib)
    return `failed to load: missing library ${lib}${lib.includes('cud') ? ' (tfjs-node-gpu 4.22 needs CUDA 11.2 + cuDNN 8.1)' : ''}`;
  if (/tfjs_binding\.node/.test(msg))
    return `failed to load: native addon not built (its install script did not run; see environment.md)`;
  return `failed to load: ${msg.split('\n')[0]}`;
}
