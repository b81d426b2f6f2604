import * as tf from '@tensorflow/tfjs';
import type { NativeBlas } from '../nativeBlas';
import { float32Memory } from './float32Memory';
import { requireInput } from './kernelCall';
import type { KernelImpl } from './kernelConfig';

/**
 * MaxPoolGrad in C (`native/eecal_blas.c`): the values of eecal's JavaScript kernel
 * (maxPoolGrad.ts: the first maximum of each window in row-major order), found by a vectorized
 * scan over the channels. Why: with the convolutions native it became the next largest kernel of a
 * B-AlexNet step (~10 %); on B-AlexNet's 7 pooling shapes at batch 64 the vectorized scan measured
 * 16–19 ms against 32–65 ms for the earlier per-channel C scan (same process, identical dx). LRN
 * and LRNGrad were ported too and measured no faster than their JS kernels, so they stay in JS.
 * Null (the JS kernel runs) for what it does not cover.
 */
export function nativeMaxPoolGrad(native: NativeBlas): KernelImpl<tf.MaxPoolGradAttrs> {
  return (calls, inputs, attrs) => {
    const dy = requireInput(inputs, 'dy', 'MaxPoolGrad');
    const input = requireInput(inputs, 'input', 'MaxPoolGrad');
    const output = requireInput(inputs, 'output', 'MaxPoolGrad');
    const { filterSize, strides, pad, dimRoundingMode } = attrs;
    if (input.dtype !== 'float32' || dy.dtype !== 'float32' || output.dtype !== 'float32') return null;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const geom = Int32Array.from([
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.filterHeight,
      info.filterWidth,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.left,
    ]);
    const { top, bottom, left, right } = info.padInfo;
    const padsInWindow = Math.max(top, bottom) < info.filterHeight && Math.max(left, right) < info.filterWidth;
    if (
      info.dilationHeight !== 1 ||
      info.dilationWidth !== 1 ||
      !padsInWindow ||
      geom.some((v, i) => (i < 10 ? v < 1 : v < 0))
    ) {
      return null;
    }
    const mem = float32Memory(calls);
    const out = mem.alloc(input.shape);
    native.maxPoolGrad(mem.view(input), mem.view(output), mem.view(dy), mem.view(out), geom);
    return out;
  };
}
