import * as tf from '@tensorflow/tfjs';
import type { NativeBlas } from '../nativeBlas';
import { float32Memory } from './float32Memory';
import { requireInput } from './kernelCall';
import type { KernelImpl } from './kernelConfig';

/** Activations the native forward kernel fuses (codes of `native/eecal_blas.c`). */
const ACTIVATION_CODES: Partial<Record<tf.fused.Activation, number>> = { linear: 0, relu: 1, relu6: 2 };

/** The window attributes of a convolution and its two gradients (dilation: forward only). */
export type ConvWindowAttrs = Pick<tf.Conv2DAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'> &
  Partial<Pick<tf.Conv2DAttrs, 'dilations'>>;

/**
 * The native kernels' geometry of one NHWC convolution, or null when they do not cover it
 * (dilation, NCHW, non-float32, an empty batch or channel axis, a pad as large as the window): the
 * caller then runs eecal's wasm kernel.
 */
export function nativeGeometry(
  xShape: number[],
  filterShape: number[],
  a: ConvWindowAttrs,
  dtypes: tf.DataType[],
): Int32Array | null {
  if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') return null;
  if (dtypes.some((d) => d !== 'float32')) return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  // The native side takes pads from 0 to the window size − 1 (tfjs's 'same' and 'valid' always are).
  const { top, bottom, left, right } = info.padInfo;
  if (
    Math.min(top, bottom, left, right) < 0 ||
    Math.max(top, bottom) >= info.filterHeight ||
    Math.max(left, right) >= info.filterWidth
  )
    return null;
  const g = Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ]);
  // All but the two pads must be ≥ 1 (the native side rejects anything else).
  return g.some((v, i) => i < 11 && v < 1) ? null : g;
}

/** Conv2D and FusedConv2D (bias, linear/relu/relu6) natively (oneDNN, or im2col + OpenBLAS GEMM). */
export function nativeConv2d<A extends tf.Conv2DAttrs & Partial<Pick<tf.FusedConv2DAttrs, 'activation'>>>(
  native: NativeBlas,
): KernelImpl<A> {
  return (calls, inputs, attrs) => {
    const x = requireInput(inputs, 'x', 'Conv2D');
    const filter = requireInput(inputs, 'filter', 'Conv2D');
    const bias = inputs.bias;
    const act = ACTIVATION_CODES[attrs.activation ?? 'linear'];
    if (act === undefined || inputs.preluActivationWeights) return null;
    const Co = filter.shape[3];
    if (bias && tf.util.sizeFromShape(bias.shape) !== Co) return null;
    const g = nativeGeometry(x.shape, filter.shape, attrs, [x.dtype, filter.dtype, ...(bias ? [bias.dtype] : [])]);
    if (!g) return null;
    const mem = float32Memory(calls);
    const y = mem.alloc([g[0], g[4], g[5], g[6]]);
    native.conv2d(mem.view(x), mem.view(filter), mem.view(y), g, bias ? mem.view(bias) : null, act);
    return y;
  };
}

/** Conv2DBackpropFilter (dW) natively (oneDNN, or im2col + GEMM); null for what it does not cover. */
export function nativeConv2dBackpropFilter(native: NativeBlas): KernelImpl<tf.Conv2DBackpropFilterAttrs> {
  return (calls, inputs, attrs) => {
    const x = requireInput(inputs, 'x', 'Conv2DBackpropFilter');
    const dy = requireInput(inputs, 'dy', 'Conv2DBackpropFilter');
    const g = nativeGeometry(x.shape, attrs.filterShape, attrs, [x.dtype, dy.dtype]);
    if (!g) return null;
    const mem = float32Memory(calls);
    const dw = mem.alloc(attrs.filterShape);
    native.conv2dBackpropFilter(mem.view(x), mem.view(dy), mem.view(dw), g);
    return dw;
  };
}

/** Conv2DBackpropInput (dX) natively (oneDNN, or GEMM + col2im); null for what it does not cover. */
export function nativeConv2dBackpropInput(native: NativeBlas): KernelImpl<tf.Conv2DBackpropInputAttrs> {
  return (calls, inputs, attrs) => {
    const dy = requireInput(inputs, 'dy', 'Conv2DBackpropInput');
    const filter = requireInput(inputs, 'filter', 'Conv2DBackpropInput');
    const g = nativeGeometry(attrs.inputShape, filter.shape, attrs, [dy.dtype, filter.dtype]);
    if (!g) return null;
    const mem = float32Memory(calls);
    const dx = mem.alloc(attrs.inputShape);
    native.conv2dBackpropInput(mem.view(dy), mem.view(filter), mem.view(dx), g);
    return dx;
  };
}
