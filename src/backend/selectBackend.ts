import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../errors';
import {
  CANDIDATE_ORDER,
  describeLoadFailure,
  nativePackageProblem,
  type BackendName,
  type CandidateName,
  type CandidateStatus,
} from './candidates';
import { loadNativeBlas } from './nativeBlas';
import type { KernelRoute } from './kernels/index';

/** The backend eecal runs on, and why. */
export interface BackendChoice {
  candidate: CandidateName;
  backend: BackendName;
  /** Every candidate that was probed, best first, with its status. */
  statuses: CandidateStatus[];
  /** Compute threads the backend uses (wasm in Node is single-threaded). */
  threads: number;
  /** Native TensorFlow placed ops on a GPU. */
  gpu: boolean;
  /** wasm runs its convolutions on eecal's native kernels (`npm run build:native`). */
  nativeKernels: boolean;
  /** eecal's kernels on this backend and what runs each, in the order tried (empty on tensorflow). */
  kernels: KernelRoute[];
}

export interface SelectOptions {
  /** Force a candidate (`EECAL_BACKEND`): tfjs-node-gpu | tfjs-node | tensorflow | wasm | cpu. */
  force?: string;
  /** Register the gradient kernels that training needs on cpu (default true; on wasm eecal's kernels are always registered). */
  training?: boolean;
}

async function probeNative(candidate: 'tfjs-node-gpu' | 'tfjs-node'): Promise<CandidateStatus> {
  const pkg = `@tensorflow/${candidate}`;
  const problem = nativePackageProblem(pkg);
  if (problem) return { candidate, backend: 'tensorflow', usable: false, detail: problem };
  try {
    require(pkg);
  } catch (err) {
    return { candidate, backend: 'tensorflow', usable: false, detail: describeLoadFailure(pkg, err) };
  }
  if (!tf.findBackendFactory('tensorflow')) {
    return {
      candidate,
      backend: 'tensorflow',
      usable: false,
      detail: `loaded, but registered no "tensorflow" backend (duplicate @tensorflow/tfjs-core? all @tensorflow/* must be 4.22.0)`,
    };
  }
  return { candidate, backend: 'tensorflow', usable: true, detail: 'loaded' };
}

async function probeWasm(): Promise<CandidateStatus> {
  try {
    require('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return {
      candidate: 'wasm',
      backend: 'wasm',
      usable: false,
      detail: describeLoadFailure('@tensorflow/tfjs-backend-wasm', err),
    };
  }
  return { candidate: 'wasm', backend: 'wasm', usable: true, detail: 'loaded' };
}

/** Normalise EECAL_BACKEND values. */
function forcedCandidate(force: string): CandidateName {
  const f = force.trim().toLowerCase();
  if (f === 'tensorflow' || f === 'node') return 'tfjs-node';
  if (f === 'gpu' || f === 'cuda') return 'tfjs-node-gpu';
  if ((CANDIDATE_ORDER as readonly string[]).includes(f)) return f as CandidateName;
  throw new BackendError(`EECAL_BACKEND="${force}": expected one of ${CANDIDATE_ORDER.join(', ')}`);
}

/**
 * Probe candidates in order tfjs-node-gpu > tfjs-node > wasm > cpu and activate the first usable
 * one (or the forced one, failing clearly if it is unusable). Only the CLI and notebooks call
 * this: library code never picks a backend.
 */
export async function selectBackend(opts: SelectOptions = {}): Promise<BackendChoice> {
  const force = opts.force ?? process.env.EECAL_BACKEND;
  const wanted = force ? forcedCandidate(force) : undefined;
  const statuses: CandidateStatus[] = [];
  for (const candidate of CANDIDATE_ORDER) {
    if (wanted && candidate !== wanted) {
      statuses.push({
        candidate,
        backend: candidate === 'wasm' || candidate === 'cpu' ? candidate : 'tensorflow',
        usable: false,
        detail: `skipped (EECAL_BACKEND=${force})`,
      });
      continue;
    }
    const st =
      candidate === 'cpu'
        ? { candidate, backend: 'cpu' as const, usable: true, detail: 'pure JavaScript (slow; always available)' }
        : candidate === 'wasm'
          ? await probeWasm()
          : await probeNative(candidate);
    statuses.push(st);
    if (!st.usable) continue;
    const choice = await activate(st, statuses, opts.training ?? true);
    if (choice) {
      // Still report the worse candidates (doctor lists every one), without activating them.
      for (const rest of CANDIDATE_ORDER.slice(CANDIDATE_ORDER.indexOf(candidate) + 1)) {
        if (wanted)
          statuses.push({
            candidate: rest,
            backend: rest === 'wasm' || rest === 'cpu' ? rest : 'tensorflow',
            usable: false,
            detail: `skipped (EECAL_BACKEND=${force})`,
          });
        else if (rest === 'wasm') statuses.push(await probeWasm());
        else if (rest === 'cpu')
          statuses.push({
            candidate: rest,
            backend: 'cpu',
            usable: true,
            detail: 'pure JavaScript (slow; always available)',
          });
        else statuses.push(await probeNative(rest));
      }
      return choice;
    }
    if (wanted) break;
  }
  const reason = statuses
    .filter((s) => !s.usable)
    .map((s) => `${s.candidate}: ${s.detail}`)
    .join('; ');
  throw new BackendError(
    wanted ? `backend ${wanted} is not usable here — ${reason}` : `no usable tfjs backend — ${reason}`,
  );
}

async function activate(
  st: CandidateStatus,
  statuses: CandidateStatus[],
  training: boolean,
): Promise<BackendChoice | null> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(st.backend);
  } catch (err) {
    ok = false;
    st.detail = `failed to initialise: ${(err as Error).message}`;
  }
  if (!ok) {
    st.usable = false;
    if (st.detail === 'loaded') st.detail = 'failed to initialise';
    return null;
  }
  await tf.ready();
  let threads = 1;
  let gpu = false;
  let nativeKernels = false;
  let kernels: KernelRoute[] = [];
  if (st.backend === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount?: () => number };
    threads = wasm.getThreadsCount ? wasm.getThreadsCount() : 1;
    // Always: besides the gradients, eecal's wasm kernels include faster inference ones (LRN, Identity).
    const kernels = await import('./kernels/index');
    kernels.registerWasmTrainingKernels();
    // What is registered, not what could load now: kernels registered earlier in this process stay.
    nativeKernels = kernels.isEecalKernel('Conv2D', 'wasm');
    const native = loadNativeBlas();
    const convs = nativeKernels
      ? `convolutions native${native.loaded ? `: ${native.detail}` : ''}`
      : `convolutions in wasm (native kernels ${native.detail})`;
    st.detail = `SIMD ${simd ? 'on' : 'off'}, ${threads} thread (tfjs disables wasm threads in Node); ${convs}`;
  } else if (st.backend === 'cpu') {
    if (training) (await import('./kernels/index')).registerCpuTrainingKernels();
  }
  if (st.backend === 'wasm' || st.backend === 'cpu') {
    kernels = (await import('./kernels/index')).kernelRoutes(st.backend);
  } else {
    const be = tf.backend();
    gpu = 'isUsingGpuDevice' in be && be.isUsingGpuDevice === true;
    threads = require('node:os').cpus().length;
    st.detail =
      st.candidate === 'tfjs-node-gpu'
        ? gpu
          ? 'TensorFlow 2.9.1 on the GPU'
          : 'loaded, but no GPU visible: TensorFlow runs on the CPU'
        : 'TensorFlow 2.9.1 on the CPU';
  }
  return { candidate: st.candidate, backend: st.backend, statuses, threads, gpu, nativeKernels, kernels };
}

/** One line per candidate, for logs and `eecal doctor`. */
export function describeChoice(choice: BackendChoice): string {
  const lines = choice.statuses.map(
    (s) =>
      `  ${s.candidate === choice.candidate ? '→' : ' '} ${s.candidate.padEnd(13)} ${s.usable ? 'usable' : 'unusable'}: ${s.detail}`,
  );
  return [`backend: ${backendLabel(choice)}, threads ${choice.threads}`, ...lines].join('\n');
}

/** "wasm (wasm, native kernels)", "tensorflow (tfjs-node-gpu) GPU": what manifests and sidecars record. */
export function backendLabel(choice: BackendChoice): string {
  return `${choice.backend} (${choice.candidate}${choice.nativeKernels ? ', native kernels' : ''})${choice.gpu ? ' GPU' : ''}`;
}
