import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackendError } from '../errors';
import { repoRoot } from '../util/repoRoot';

/**
 * eecal's optional native kernels (`native/eecal_blas.c`, built by `npm run build:native`
 * against the system's OpenBLAS): the convolutions as im2col + GEMM, and the max-pool gradient
 * as a C loop. They run on Float32Array views of the tensors' memory — for the wasm backend,
 * views of the wasm heap — so nothing is copied.
 * Geometry: Int32Array [B,H,W,Ci,OH,OW,Co,KH,KW,strideH,strideW,padTop,padLeft].
 */
export interface NativeBlas {
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, geom: Int32Array, bias: Float32Array | null, activation: number): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geom: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geom: Int32Array): void;
  /** Pool geometry: Int32Array [B,H,W,C,OH,OW,FH,FW,strideH,strideW,padTop,padLeft]. */
  maxPoolGrad(x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array, poolGeom: Int32Array): void;
  setThreads(n: number): void;
  info(): { blas: string; threads: number };
}

/** Whether the native kernels loaded, and if not, why (for `eecal doctor` and the logs). */
export interface NativeBlasStatus {
  loaded: NativeBlas | null;
  detail: string;
}

/** Where `npm run build:native` writes the addon. */
export function nativeBlasPath(root: string = repoRoot()): string {
  return path.join(root, 'native', 'build', 'eecal_blas.node');
}

/**
 * Load the native kernels, or say why not. `EECAL_NATIVE=0` turns them off (then eecal uses its
 * wasm kernels, as on a machine without a C compiler or OpenBLAS). BLAS runs one thread per call:
 * training and inference already run one replica per core, and OpenBLAS's own threads on top
 * would oversubscribe the cores (`EECAL_BLAS_THREADS` overrides, e.g. for one-process use).
 */
export function loadNativeBlas(env: NodeJS.ProcessEnv = process.env): NativeBlasStatus {
  if (env.EECAL_NATIVE === '0') return { loaded: null, detail: 'off (EECAL_NATIVE=0)' };
  const file = nativeBlasPath();
  if (!fs.existsSync(file)) return { loaded: null, detail: `not built (npm run build:native; needs a C compiler and libopenblas-dev)` };
  let mod: NativeBlas;
  try {
    mod = require(file) as NativeBlas;
  } catch (err) {
    return { loaded: null, detail: `failed to load ${file}: ${(err as Error).message.split('\n')[0]} (rebuild: npm run build:native)` };
  }
  const raw = env.EECAL_BLAS_THREADS ?? '1';
  const threads = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || threads < 1) throw new BackendError(`EECAL_BLAS_THREADS="${raw}": expected a whole number ≥ 1 (BLAS threads per native kernel call)`);
  mod.setThreads(threads);
  const info = mod.info();
  return { loaded: mod, detail: `OpenBLAS (${info.blas.trim()}), ${info.threads} thread${info.threads === 1 ? '' : 's'} per call` };
}
