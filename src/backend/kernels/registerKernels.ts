import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../../errors';
import type { NativeBlas } from '../nativeBlas';
import type { KernelConfig, KernelOptions, UntypedImpl } from './kernelConfig';
import { KernelCalls, type KernelAttrs, type KernelBackendName } from './kernelCall';

/** What eecal installed under one kernel name: its chain, the options it was built for, and what it replaced. */
interface Installed {
  /** The implementations' names, in order. */
  readonly names: readonly string[];
  /** The addon its native implementations call (null when it has none). */
  readonly native: NativeBlas | null;
  /** The backend's own kernel config (null when the backend had none), put back on restore. */
  readonly replaced: tf.KernelConfig | null;
}

/**
 * kernelFunc → what eecal installed there. Kept on `globalThis` under a `Symbol.for` key (not in a
 * module variable) so that two loaded copies of this module (src via tsx and dist) agree, and the
 * only other state is tfjs's kernel registry itself.
 */
const INSTALLED = Symbol.for('eecal.installedKernels');
function installedKernels(): WeakMap<tf.KernelFunc, Installed> {
  const g = globalThis as typeof globalThis & { [INSTALLED]?: WeakMap<tf.KernelFunc, Installed> };
  return (g[INSTALLED] ??= new WeakMap());
}

function installedAt(kernelName: string, backendName: KernelBackendName): Installed | null {
  const k = tf.getKernel(kernelName, backendName);
  return (k && installedKernels().get(k.kernelFunc)) ?? null;
}

/** True when `kernelName` on `backendName` is one of eecal's kernels. */
export function isEecalKernel(kernelName: string, backendName: KernelBackendName): boolean {
  return installedAt(kernelName, backendName) !== null;
}

/**
 * The implementations that run `kernelName` on `backendName`, in the order they are tried, ending
 * with the backend's own kernel ("wasm built-in"); just that when eecal has not replaced it.
 */
export function kernelChain(kernelName: string, backendName: KernelBackendName): string[] {
  const inst = installedAt(kernelName, backendName);
  const own = (inst ? inst.replaced : tf.getKernel(kernelName, backendName)) ? [`${backendName} built-in`] : [];
  return [...(inst?.names ?? []), ...own];
}

/** Put back the backend's own kernel under `kernelName` (none if it had none). True if eecal's was removed. */
export function restoreBackendKernel(kernelName: string, backendName: KernelBackendName): boolean {
  const inst = installedAt(kernelName, backendName);
  if (!inst) return false;
  tf.unregisterKernel(kernelName, backendName);
  if (inst.replaced) tf.registerKernel(inst.replaced);
  return true;
}

/** The kernel function that tries `chain` in order, then the backend's own kernel `replaced`. */
function chainKernel(
  kernelName: string,
  backendName: KernelBackendName,
  chain: readonly UntypedImpl[],
  replaced: tf.KernelConfig | null,
): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as tf.KernelBackend;
    const calls = new KernelCalls(backendName, backend);
    const attrs: KernelAttrs = args.attrs ?? {};
    const backendKernel = (inputs: tf.NamedTensorInfoMap, a: KernelAttrs): tf.TensorInfo => {
      if (!replaced) {
        throw new BackendError(
          `${kernelName} on ${backendName}: eecal's kernel does not handle these attributes (${JSON.stringify(a)}) and the backend has no kernel of its own`,
        );
      }
      const out = replaced.kernelFunc({ inputs, backend, attrs: a });
      if (Array.isArray(out)) throw new BackendError(`${kernelName} on ${backendName}: expected one output`);
      return out;
    };
    for (const impl of chain) {
      const out = impl.run(calls, args.inputs, attrs, backendKernel);
      if (out) return out;
    }
    return backendKernel(args.inputs, attrs);
  };
}

/**
 * Make each config's kernel what `opts` asks for: install its chain in place of the backend's
 * kernel (keeping that as the last resort, and its `setupFunc`, which wasm kernels need to bind
 * their C++ entry point when the backend initialises), replace an eecal kernel installed for other
 * options, or put the backend's kernel back where the chain is now empty. A kernel already as
 * asked is left alone. Returns the names of the kernels it changed, in table order.
 */
export function registerKernels(configs: readonly KernelConfig[], opts: KernelOptions): string[] {
  const changed: string[] = [];
  for (const config of configs) {
    const { kernelName, backendName } = config;
    const chain = config.chain(opts);
    const names = chain.map((impl) => impl.name);
    const native = chain.some((impl) => impl.native) ? opts.native : null;
    const inst = installedAt(kernelName, backendName);
    if (inst && inst.native === native && inst.names.join('\n') === names.join('\n')) continue;
    if (!inst && chain.length === 0) continue;
    const replaced = inst ? inst.replaced : (tf.getKernel(kernelName, backendName) ?? null);
    if (inst || replaced) tf.unregisterKernel(kernelName, backendName);
    if (chain.length === 0) {
      if (replaced) tf.registerKernel(replaced);
    } else {
      const kernelFunc = chainKernel(kernelName, backendName, chain, replaced);
      installedKernels().set(kernelFunc, { names, native, replaced });
      tf.registerKernel({
        kernelName,
        backendName,
        kernelFunc,
        setupFunc: replaced?.setupFunc,
        disposeFunc: replaced?.disposeFunc,
      });
    }
    changed.push(kernelName);
  }
  return changed;
}
