import * as tf from '@tensorflow/tfjs';
import type { NativeBlas } from '../nativeBlas';
import { float32Memory } from './float32Memory';
import { requireInput } from './kernelCall';
import type { KernelImpl } from './kernelConfig';
import { lrnParams } from './lrnWindow';

/**
 * LRN and LRNGrad in C (`native/eecal_blas.c`): the formulas and float64 arithmetic of eecal's
 * JavaScript kernels (lrnForward.ts, lrnGrad.ts), one pixel's channels at a time through
 * zero-padded rows so the loops vectorize. Why: after the convolutions moved to oneDNN they were
 * the next largest kernels of a training step. Same process, B-AlexNet's 4 LRN + 4 LRNGrad calls at
 * batch 64, 7 interleaved rounds on a loaded machine: median 42.0 → 31.0 ms, best 31.8 → 28.5 ms,
 * values identical to the JavaScript kernels'. (In float32 it measured 1.7× faster but differed
 * from them by up to 7e-5 relative on small gradients, so float64 stays.) Null (the JS kernel
 * runs, and reports mismatched shapes) for what it does not cover.
 */
export function nativeLrn(native: NativeBlas): KernelImpl<tf.LRNAttrs> {
  return (calls, inputs, attrs) => {
    const x = requireInput(inputs, 'x', 'LRN');
    const p = lrnParams(attrs);
    const C = x.shape[x.shape.length - 1] ?? 0;
    if (!p || x.dtype !== 'float32' || C < 1 || tf.util.sizeFromShape(x.shape) === 0) return null;
    const mem = float32Memory(calls);
    const y = mem.alloc(x.shape);
    native.lrn(mem.view(x), mem.view(y), C, p.depthRadius, p.bias, p.alpha, p.beta);
    return y;
  };
}

export function nativeLrnGrad(native: NativeBlas): KernelImpl<tf.LRNGradAttrs> {
  return (calls, inputs, attrs) => {
    const x = requireInput(inputs, 'x', 'LRNGrad');
    const y = requireInput(inputs, 'y', 'LRNGrad');
    const dy = requireInput(inputs, 'dy', 'LRNGrad');
    const p = lrnParams(attrs);
    const C = dy.shape[dy.shape.length - 1] ?? 0;
    if (!p || [x, y, dy].some((t) => t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, dy.shape))) return null;
    if (C < 1 || tf.util.sizeFromShape(dy.shape) === 0) return null;
    const mem = float32Memory(calls);
    const dx = mem.alloc(dy.shape);
    native.lrnGrad(mem.view(x), mem.view(y), mem.view(dy), mem.view(dx), C, p.depthRadius, p.bias, p.alpha, p.beta);
    return dx;
  };
}
