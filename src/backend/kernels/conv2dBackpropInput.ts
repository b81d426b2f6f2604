import * as tf from '@tensorflow/tfjs';
import { requireInput, type KernelCalls } from './kernelCall';

/** The padding and shape plan of the composite dX, or null when it does not apply. */
export interface BackpropInputPlan {
  /** Explicit pads (NHWC) of the correlation of the (dilated) dy with the flipped filter. */
  pad: [[number, number], [number, number], [number, number], [number, number]];
  strideHeight: number;
  strideWidth: number;
}

/**
 * Plan dX = Conv2D(dy↑s, flip(W)ᵀ) for Conv2DBackpropInput (NHWC, dilation 1), where dy↑s is dy
 * with s−1 zeros inserted between rows/columns (none for stride 1). Per spatial axis:
 *   dX[i] = Σ_k dy↑s[i + top − k] · W[k]   (forward: y[o] = Σ_k x_pad[o·s + k] · W[k])
 * i.e. a stride-1 correlation of dy↑s with the flipped filter, front pad K−1−top and end pad
 * H − ((OH−1)·s + 1) + top. Returns null (caller falls back) when a pad would be negative,
 * which only happens for explicit pads larger than the filter.
 */
export function planBackpropInput(
  inputShape: number[],
  filterShape: number[],
  attrs: tf.Conv2DBackpropInputAttrs,
): BackpropInputPlan | null {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { top, left } = info.padInfo;
  const ohUp = (info.outHeight - 1) * info.strideHeight + 1;
  const owUp = (info.outWidth - 1) * info.strideWidth + 1;
  const pads: [number, number, number, number] = [
    info.filterHeight - 1 - top,
    info.inHeight - ohUp + top,
    info.filterWidth - 1 - left,
    info.inWidth - owUp + left,
  ];
  if (pads.some((p) => p < 0)) return null;
  return {
    pad: [
      [0, 0],
      [pads[0], pads[1]],
      [pads[2], pads[3]],
      [0, 0],
    ],
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
  };
}

/**
 * Insert s−1 zeros between the rows and columns of dy [B,OH,OW,C] → [B,(OH−1)sh+1,(OW−1)sw+1,C],
 * using only Reshape/PadV2/Slice kernels: view as [B,OH,1,OW,1,C], pad the unit axes to sh and sw,
 * fold back, and drop the trailing zero rows/columns.
 */
function dilateSpatial(calls: KernelCalls, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  const [B, OH, OW, C] = dy.shape;
  const six = calls.run('Reshape', { x: dy }, { shape: [B, OH, 1, OW, 1, C] });
  const padded = calls.run(
    'PadV2',
    { x: six },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  calls.free(six);
  const four = calls.run('Reshape', { x: padded }, { shape: [B, OH * sh, OW * sw, C] });
  calls.free(padded);
  const out = calls.run(
    'Slice',
    { x: four },
    { begin: [0, 0, 0, 0], size: [B, (OH - 1) * sh + 1, (OW - 1) * sw + 1, C] },
  );
  calls.free(four);
  return out;
}

/**
 * Conv2DBackpropInput as one forward Conv2D: on wasm the built-in dX kernel is a
 * naive single-threaded loop (69 % of a B-AlexNet training step); XNNPACK's Conv2D is ~15× faster.
 * The filter flip/transpose touches only KH·KW·Ci·Co values. Returns null when the plan does not
 * apply (the caller then runs the backend's own kernel).
 */
export function conv2dBackpropInputViaConv(
  calls: KernelCalls,
  inputs: tf.NamedTensorInfoMap,
  a: tf.Conv2DBackpropInputAttrs,
): tf.TensorInfo | null {
  const dy = requireInput(inputs, 'dy', 'Conv2DBackpropInput');
  const filter = requireInput(inputs, 'filter', 'Conv2DBackpropInput');
  if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') return null;
  const plan = planBackpropInput(a.inputShape, filter.shape, a);
  if (!plan) return null;
  const flipped = calls.run('Reverse', { x: filter }, { dims: [0, 1] });
  const wt = calls.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [KH,KW,Co,Ci]
  calls.free(flipped);
  const strided = plan.strideHeight > 1 || plan.strideWidth > 1;
  const src = strided ? dilateSpatial(calls, dy, plan.strideHeight, plan.strideWidth) : dy;
  const dx = calls.run(
    'Conv2D',
    { x: src, filter: wt },
    {
      strides: [1, 1],
      pad: plan.pad,
      dataFormat: 'NHWC',
      dilations: [1, 1],
    },
  );
  calls.free(wt);
  if (strided) calls.free(src);
  return dx;
}
