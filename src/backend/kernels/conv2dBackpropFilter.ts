import * as tf from '@tensorflow/tfjs';
import { requireInput, type KernelCalls } from './kernelCall';

/**
 * Conv2DBackpropFilter (dW of a 2-D convolution, NHWC, dilation 1) as one forward Conv2D.
 *
 *   dW[kh,kw,ci,co] = Σ_{b,oh,ow} x_pad[b, oh·s_h+kh, ow·s_w+kw, ci] · dy[b,oh,ow,co]
 *
 * Read with ci as the batch, b as the input channel and (oh,ow) as the filter taps, this is a
 * stride-1 convolution dilated by the original stride:
 *   Conv2D(xᵀ[Ci,H,W,B] (padded like the forward conv), dyᵀ[OH,OW,B,Co], dilation = s)
 *   → [Ci, ≥KH, ≥KW, Co], sliced to [Ci,KH,KW,Co] and transposed back to [KH,KW,Ci,Co].
 * On wasm the Conv2D runs in XNNPACK, on cpu in the backend's vectorised
 * im2col+matmul; the stock cpu kernel is a 7-deep `TensorBuffer.get()` loop (~50× slower).
 *
 * Why this and not im2col + the backend's matmul: both were implemented and timed on wasm
 * (1 thread, batch 64, B-AlexNet's 7 conv shapes, medians of 7; im2col = colᵀ[KH·KW·Ci, B·OH·OW]
 * filled in JS on the wasm heap, then one untransposed XNNPACK GEMM with dy[B·OH·OW, Co]):
 *   x [64,32,32,3]  k5  → 32: composite 29.4 ms, im2col  26.0 ms
 *   x [64,16,16,32] k5  → 64: composite 72.0 ms, im2col 109.0 ms  (colᵀ is 52 MB)
 *   x [64,8,8,64..96] k3 (4 shapes) and [64,4,4,96] k3: composite 2.8–34.7 ms, im2col 4.9–34.5 ms
 *   total over the 7 shapes: composite 194.5 ms, im2col 239.4 ms → the composite is kept.
 * The im2col fill is memory-bound JS; the composite reads x and dy once each (two transposes).
 */
export function conv2dBackpropFilterViaConv(
  calls: KernelCalls,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.Conv2DBackpropFilterAttrs,
): tf.TensorInfo | null {
  const x = requireInput(inputs, 'x', 'Conv2DBackpropFilter');
  const dy = requireInput(inputs, 'dy', 'Conv2DBackpropFilter');
  const { strides, pad, dimRoundingMode, filterShape, dataFormat } = attrs;
  // NCHW: defer to the backend's own kernel (the registration reports it if there is none).
  if (dataFormat !== undefined && dataFormat !== 'NHWC') return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { top, bottom, left, right } = info.padInfo;
  const [KH, KW, Ci, Co] = filterShape;

  const xt = calls.run('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [Ci,H,W,B]
  const dyt = calls.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [OH,OW,B,Co]
  const full = calls.run(
    'Conv2D',
    { x: xt, filter: dyt },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
    },
  );
  calls.free(xt, dyt);
  // With 'valid'-like padding and a stride that does not divide the input, the last input rows
  // are never read by the forward conv: the composite yields extra taps beyond KH/KW. Drop them.
  let cropped = full;
  if (full.shape[1] !== KH || full.shape[2] !== KW) {
    cropped = calls.run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [Ci, KH, KW, Co] });
    calls.free(full);
  }
  const dw = calls.run('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
  calls.free(cropped);
  return dw;
}
