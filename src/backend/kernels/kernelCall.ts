import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../../errors';

/** The backends whose kernels eecal composes (a kernel name is looked up per backend). */
export type KernelBackendName = 'wasm' | 'cpu';

/** Attributes passed to a kernel (strides, pads, perm, …), as tfjs's `NamedAttrMap`. */
export type KernelAttrs = tf.NamedAttrMap;

/**
 * Runs other kernels of one backend from *inside* a kernel, the way tfjs-backend-wasm composes
 * its own kernels: call the registered `kernelFunc` directly with the backend object, and free
 * intermediates with `backend.disposeData`. This bypasses the engine on purpose: no tape
 * recording, no engine-tracked tensors, so a composite kernel cannot leak engine tensors and the
 * only thing to free is the backend data of each intermediate (see {@link KernelCalls.free}).
 */
export class KernelCalls {
  constructor(
    readonly backendName: KernelBackendName,
    readonly backend: tf.KernelBackend,
  ) {}

  /** Run kernel `name` on this backend; the caller owns the returned TensorInfo. */
  run(name: string, inputs: Record<string, tf.TensorInfo>, attrs: KernelAttrs = {}): tf.TensorInfo {
    const config = tf.getKernel(name, this.backendName);
    if (!config) {
      throw new BackendError(
        `kernel '${name}' is not registered for backend '${this.backendName}' (needed by an eecal training kernel)`,
      );
    }
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) {
      throw new BackendError(`kernel '${name}' on '${this.backendName}' returned ${out.length} outputs; expected one`);
    }
    return out;
  }

  /** Release intermediates (backend refcounts: a Reshape output shares its input's data). */
  free(...infos: tf.TensorInfo[]): void {
    for (const info of infos) this.backend.disposeData(info.dataId);
  }
}

/** Input `name` of a kernel call; a clear error instead of an `undefined` deep in a kernel. */
export function requireInput(inputs: tf.NamedTensorInfoMap, name: string, kernelName: string): tf.TensorInfo {
  const t = inputs[name];
  if (!t) throw new BackendError(`${kernelName}: missing input '${name}'`);
  return t;
}
