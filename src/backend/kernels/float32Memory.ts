import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../../errors';
import type { KernelCalls } from './kernelCall';

/**
 * Direct Float32Array access to a backend's tensor storage, for kernels written in JavaScript:
 * on wasm a view of the wasm heap (no copy), on cpu the backend's own array.
 * Allocate every output with `alloc` *before* taking any view with `view`: on wasm an allocation
 * may grow the memory, which detaches the views taken earlier.
 */
export interface Float32Memory {
  alloc(shape: number[]): tf.TensorInfo;
  view(info: tf.TensorInfo): Float32Array;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
  data: { get(dataId: tf.DataId): { values: unknown } };
}

function isWasmBackend(be: tf.KernelBackend): be is tf.KernelBackend & WasmBackendLike {
  return (
    'makeOutput' in be &&
    typeof be.makeOutput === 'function' &&
    'typedArrayFromHeap' in be &&
    typeof be.typedArrayFromHeap === 'function'
  );
}

function isCpuBackend(be: tf.KernelBackend): be is tf.KernelBackend & CpuBackendLike {
  return (
    'makeTensorInfo' in be &&
    typeof be.makeTensorInfo === 'function' &&
    'data' in be &&
    typeof be.data === 'object' &&
    be.data !== null
  );
}

/** The Float32Memory of the backend a kernel runs on (wasm or cpu; another backend is a bug). */
export function float32Memory(calls: KernelCalls): Float32Memory {
  const be = calls.backend;
  if (calls.backendName === 'wasm' && isWasmBackend(be)) {
    return { alloc: (shape) => be.makeOutput(shape, 'float32'), view: (info) => be.typedArrayFromHeap(info) };
  }
  if (calls.backendName !== 'cpu' || !isCpuBackend(be)) {
    throw new BackendError(
      `eecal's kernels cannot reach the memory of backend '${calls.backendName}' (${be.constructor.name})`,
    );
  }
  return {
    alloc: (shape) => be.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape))),
    view: (info) => be.data.get(info.dataId).values as Float32Array,
  };
}
