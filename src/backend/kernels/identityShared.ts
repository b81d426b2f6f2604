import * as tf from '@tensorflow/tfjs';
import { requireInput, type KernelCalls } from './kernelCall';

/**
 * Identity that shares its input's backend data (one more reference) instead of copying it.
 * Why: the engine clones every tensor a gradient saves (`saveFunc` → Identity), ~126 clones per
 * B-AlexNet step; tfjs-backend-wasm 4.22 copies each one on the heap (≈9 ms of a 650 ms step at
 * batch 64). Sharing is what the cpu backend's Identity and the wasm backend's own Reshape do;
 * no tfjs kernel writes into an input, so a shared buffer is never mutated. Strings keep the
 * backend's kernel (null).
 */
export function identityShared(calls: KernelCalls, inputs: tf.NamedTensorInfoMap): tf.TensorInfo | null {
  const x = requireInput(inputs, 'x', 'Identity');
  if (x.dtype === 'string') return null;
  calls.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}
