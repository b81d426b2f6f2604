import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../../errors';
import { KernelCalls, type KernelAttrs, type KernelBackendName } from './kernelCall';

/**
 * Marks eecal's kernel functions so registering twice is a no-op. `Symbol.for` (not a module
 * variable) so that two loaded copies of this module (src via tsx and dist) agree, and so the
 * only state is the tfjs kernel registry itself.
 */
const EECAL_KERNEL = Symbol.for('eecal.trainingKernel');
/** The kernel config an eecal kernel replaced (null when the backend had none). */
const REPLACED_KERNEL = Symbol.for('eecal.replacedKernel');

/** Runs the kernel that eecal's kernel replaced (the backend's own), with any inputs/attrs. */
export type FallbackKernel = (inputs: tf.NamedTensorInfoMap, attrs: KernelAttrs) => tf.TensorInfo;

/**
 * A composite kernel: returns null to defer to the kernel it replaces (unsupported case), or
 * calls `fallback` itself to run that kernel on rewritten inputs.
 */
export type CompositeImpl = (calls: KernelCalls, inputs: tf.NamedTensorInfoMap, attrs: KernelAttrs, fallback: FallbackKernel) => tf.TensorInfo | null;

/** True when `kernelName` on `backendName` is already one of eecal's kernels. */
export function isEecalKernel(kernelName: string, backendName: KernelBackendName): boolean {
  const k = tf.getKernel(kernelName, backendName);
  return Boolean(k && (k.kernelFunc as unknown as Record<symbol, unknown>)[EECAL_KERNEL]);
}

/**
 * Register `impl` as `kernelName` for `backendName`, replacing the backend's kernel if any while
 * keeping it as the fallback (and keeping its `setupFunc`, which wasm kernels need to bind their
 * C++ entry point when the backend initialises). Idempotent. Returns true if it registered.
 */
export function registerComposite(kernelName: string, backendName: KernelBackendName, impl: CompositeImpl): boolean {
  if (isEecalKernel(kernelName, backendName)) return false;
  const original = tf.getKernel(kernelName, backendName);
  const kernelFunc = ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: KernelAttrs }) => {
    const calls = new KernelCalls(backendName, args.backend as tf.KernelBackend);
    const fallback: FallbackKernel = (inputs, attrs) => {
      if (!original) {
        throw new BackendError(`${kernelName} on ${backendName}: eecal's kernel does not handle these attributes (${JSON.stringify(attrs)}) and the backend has no kernel of its own`);
      }
      const out = original.kernelFunc({ inputs, backend: args.backend as object, attrs });
      if (Array.isArray(out)) throw new BackendError(`${kernelName} on ${backendName}: expected one output`);
      return out;
    };
    return impl(calls, args.inputs, args.attrs ?? {}, fallback) ?? fallback(args.inputs, args.attrs ?? {});
  }) as tf.KernelFunc;
  (kernelFunc as unknown as Record<symbol, unknown>)[EECAL_KERNEL] = true;
  (kernelFunc as unknown as Record<symbol, unknown>)[REPLACED_KERNEL] = original ?? null;
  if (original) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName, backendName, kernelFunc,
    setupFunc: original?.setupFunc, disposeFunc: original?.disposeFunc,
  });
  return true;
}

/**
 * Undo {@link registerComposite}: put back the kernel eecal's replaced (or leave the name
 * unregistered if there was none). For benchmarks that time a kernel against the one it replaced
 * in the same process. Returns true if an eecal kernel was removed.
 */
export function unregisterComposite(kernelName: string, backendName: KernelBackendName): boolean {
  if (!isEecalKernel(kernelName, backendName)) return false;
  const current = tf.getKernel(kernelName, backendName)!;
  const original = (current.kernelFunc as unknown as Record<symbol, tf.KernelConfig | null>)[REPLACED_KERNEL];
  tf.unregisterKernel(kernelName, backendName);
  if (original) tf.registerKernel(original);
  return true;
}
