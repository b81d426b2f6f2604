import * as tf from '@tensorflow/tfjs';
import type { NativeBlas } from '../nativeBlas';
import { float32Memory } from './float32Memory';
import { requireInput } from './kernelCall';
import type { CompositeImpl } from './registerComposite';

/**
 * MaxPoolGrad in C (`native/eecal_blas.c`): the algorithm and values of eecal's JavaScript kernel
 * (maxPoolGrad.ts), compiled. Why: with the convolutions native it became the next largest kernel
 * of a B-AlexNet step (~10 %); in C it takes about half the time (`npm run bench:train --
 * --compare-native`). LRN and LRNGrad were ported too and measured no faster than their JS
 * kernels, so they stay in JS. Defers to `otherwise` (the JS kernel) for what it does not cover.
 */
export function nativeMaxPoolGrad(native: NativeBlas, otherwise: CompositeImpl): CompositeImpl {
  return (calls, inputs, attrs, fallback) => {
    const dy = requireInput(inputs, 'dy', 'MaxPoolGrad');
    const input = requireInput(inputs, 'input', 'MaxPoolGrad');
    const output = requireInput(inputs, 'output', 'MaxPoolGrad');
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
    if (input.dtype !== 'float32' || dy.dtype !== 'float32' || output.dtype !== 'float32') return otherwise(calls, inputs, attrs, fallback);
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const geom = Int32Array.from([info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
      info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left]);
    const { top, bottom, left, right } = info.padInfo;
    const padsInWindow = Math.max(top, bottom) < info.filterHeight && Math.max(left, right) < info.filterWidth;
    if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || !padsInWindow || geom.some((v, i) => (i < 10 ? v < 1 : v < 0))) {
      return otherwise(calls, inputs, attrs, fallback);
    }
    const mem = float32Memory(calls);
    const out = mem.alloc(input.shape);
    native.maxPoolGrad(mem.view(input), mem.view(output), mem.view(dy), mem.view(out), geom);
    return out;
  };
}
