import type * as tf from '@tensorflow/tfjs';
import type { NativeBlas } from '../nativeBlas';
import { float32Memory } from './float32Memory';
import { requireInput } from './kernelCall';
import type { KernelImpl } from './kernelConfig';
import { leadingAxesSum } from './sumLeadingAxes';

/**
 * The bias gradients' Sum over every axis but the last, in C (`native/eecal_blas.c`): the float64
 * four-rows-at-a-time sums of eecal's JavaScript kernel (sumLeadingAxes.ts), vectorized over the
 * columns. Same process, B-AlexNet's 13 bias-gradient sums at batch 64, 9 interleaved rounds on a
 * loaded machine: median 10.6 → 0.74 ms, best 2.9 → 0.5 ms, values identical. Null for any other
 * reduction (the JS kernel, then the backend's, decide).
 */
export function nativeSum(native: NativeBlas): KernelImpl<tf.SumAttrs> {
  return (calls, inputs, attrs) => {
    const x = requireInput(inputs, 'x', 'Sum');
    const plan = leadingAxesSum(x, attrs);
    if (!plan) return null;
    const mem = float32Memory(calls);
    const out = mem.alloc(plan.outShape);
    native.sumRows(mem.view(x), mem.view(out));
    return out;
  };
}
