import * as tf from '@tensorflow/tfjs';
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

/** The Float32Memory of the backend a kernel runs on. */
export function float32Memory(calls: KernelCalls): Float32Memory {
  if (calls.backendName === 'wasm') {
    const be = calls.backend as unknown as WasmBackendLike;
    return { alloc: (shape) => be.makeOutput(shape, 'float32'), view: (info) => be.typedArrayFromHeap(info) };
  }
  const be = calls.backend as unknown as CpuBackendLike;
  return {
    alloc: (shape) => be.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape))),
    view: (info) => be.data.get(info.dataId).values as Float32Array,
  };
}
