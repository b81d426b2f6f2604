import * as tf from '@tensorflow/tfjs';
import { float32Memory } from './float32Memory';
import { requireInput, type KernelCalls } from './kernelCall';

/**
 * out[c] = Σ_r x[r·C + c]: the sum of a row-major [R, C] array over its rows, added in
 * float64 (JS numbers), four rows per pass, one sequential pass over x.
 */
export function sumRows(x: Float32Array, out: Float32Array, C: number): void {
  const acc = new Float64Array(C);
  const R = x.length / C;
  // Four rows per pass: a quarter of the read-modify-writes of acc, still sequential reads.
  let r = 0;
  for (; r + 4 <= R; r += 4) {
    const i0 = r * C;
    for (let c = 0, i = i0; c < C; c++, i++) acc[c] += x[i] + x[i + C] + (x[i + 2 * C] + x[i + 3 * C]);
  }
  for (; r < R; r++) {
    for (let c = 0, i = r * C; c < C; c++, i++) acc[c] += x[i];
  }
  out.set(acc);
}

/** The row length C and output shape of a Sum over every axis but the last, or null for any other reduction. */
export function leadingAxesSum(x: tf.TensorInfo, attrs: tf.SumAttrs): { C: number; outShape: number[] } | null {
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2) return null;
  const axes = [...new Set(tf.util.parseAxisParam(attrs.axis, x.shape))].sort((a, b) => a - b);
  if (axes.length !== rank - 1 || axes.some((a, i) => a !== i)) return null;
  const C = x.shape[rank - 1];
  if (C === 0 || tf.util.sizeFromShape(x.shape) === 0) return null;
  return { C, outShape: attrs.keepDims ? [...x.shape.slice(0, -1).map(() => 1), C] : [C] };
}

/**
 * Sum over every axis but the last of a float32 tensor (x [..., C] → [C], or [1,…,1,C] with
 * keepDims): the bias gradient of every conv and dense layer. Why: tfjs-backend-wasm 4.22 first
 * transposes x so the reduced axes are innermost (a full strided copy of e.g. [64,32,32,32]),
 * then sums; ≈15 ms of a B-AlexNet step at batch 64. Any other reduction → null (backend kernel).
 */
export function sumLeadingAxes(
  calls: KernelCalls,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.SumAttrs,
): tf.TensorInfo | null {
  const x = requireInput(inputs, 'x', 'Sum');
  const plan = leadingAxesSum(x, attrs);
  if (!plan) return null;
  const mem = float32Memory(calls);
  const out = mem.alloc(plan.outShape);
  sumRows(mem.view(x), mem.view(out), plan.C);
  return out;
}
