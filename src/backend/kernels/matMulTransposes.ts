import * as tf from '@tensorflow/tfjs';
import { requireInput, type KernelCalls } from './kernelCall';
import type { BackendKernel } from './kernelConfig';

/** Swap the last two axes of `t` with the backend's Transpose kernel (caller frees the result). */
function transposeLastTwo(calls: KernelCalls, t: tf.TensorInfo): tf.TensorInfo {
  const r = t.shape.length;
  const perm = t.shape.map((_, i) => (i < r - 2 ? i : i === r - 2 ? r - 1 : r - 2));
  return calls.run('Transpose', { x: t }, { perm });
}

/**
 * BatchMatMul / _FusedMatMul with `transposeA`/`transposeB` on wasm: materialise the transposed
 * operand, then run the backend's own kernel untransposed. Why: tfjs-backend-wasm 4.22 only takes
 * its XNNPACK path for untransposed operands; with a transpose flag it runs a naive loop. Every
 * dense-layer gradient has one (dW = xᵀ·dy, dx = dy·Wᵀ). Measured on B-AlexNet's fc1 at batch 64
 * (wasm, 1 thread): [64,1024]ᵀ·[64,256] 53 ms → 1.9 ms; [64,256]·[1024,256]ᵀ 15 ms → 4.2 ms.
 * The transpose copies O(rows·cols) values, negligible next to the product. Same result (the
 * sum order of XNNPACK's GEMM differs from the naive loop only at float rounding).
 */
export function matMulViaExplicitTranspose<A extends tf.BatchMatMulAttrs>(
  calls: KernelCalls,
  inputs: tf.NamedTensorInfoMap,
  attrs: A,
  backendKernel: BackendKernel<A>,
): tf.TensorInfo | null {
  const { transposeA, transposeB } = attrs;
  if (!transposeA && !transposeB) return null;
  const a = requireInput(inputs, 'a', 'BatchMatMul');
  const b = requireInput(inputs, 'b', 'BatchMatMul');
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const at = transposeA ? transposeLastTwo(calls, a) : a;
  const bt = transposeB ? transposeLastTwo(calls, b) : b;
  const out = backendKernel({ ...inputs, a: at, b: bt }, { ...attrs, transposeA: false, transposeB: false });
  if (transposeA) calls.free(at);
  if (transposeB) calls.free(bt);
  return out;
}
