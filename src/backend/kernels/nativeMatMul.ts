import * as tf from '@tensorflow/tfjs';
import type { NativeBlas } from '../nativeBlas';
import { float32Memory } from './float32Memory';
import { requireInput } from './kernelCall';
import type { KernelImpl } from './kernelConfig';

/**
 * BatchMatMul as one OpenBLAS sgemm per matrix, transposes passed as flags (no copy). Why: every
 * dense-layer gradient carries a transpose flag (dW = xᵀ·dy, dx = dy·Wᵀ), which the wasm backend's
 * fast path does not take, so eecal's JS composite materialises the transpose first. Covers float32
 * operands of rank ≥ 2 with the same batch dimensions; null (the composite, then wasm) otherwise,
 * including broadcast batches and shape errors, which the backend reports.
 */
export function nativeBatchMatMul(native: NativeBlas): KernelImpl<tf.BatchMatMulAttrs> {
  return (calls, inputs, attrs) => {
    const a = requireInput(inputs, 'a', 'BatchMatMul');
    const b = requireInput(inputs, 'b', 'BatchMatMul');
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || ra < 2 || ra !== rb) return null;
    const batchDims = a.shape.slice(0, -2);
    if (!tf.util.arraysEqual(batchDims, b.shape.slice(0, -2))) return null;
    const [a0, a1] = a.shape.slice(-2);
    const [b0, b1] = b.shape.slice(-2);
    const [M, K] = attrs.transposeA ? [a1, a0] : [a0, a1];
    const [K2, N] = attrs.transposeB ? [b1, b0] : [b0, b1];
    const batch = tf.util.sizeFromShape(batchDims);
    if (K !== K2 || batch === 0 || M === 0 || N === 0 || K === 0) return null;
    const mem = float32Memory(calls);
    const out = mem.alloc([...batchDims, M, N]);
    native.matMul(
      mem.view(a),
      mem.view(b),
      mem.view(out),
      Int32Array.from([batch, M, K, N, attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0]),
    );
    return out;
  };
}
