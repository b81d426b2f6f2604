import * as tf from '@tensorflow/tfjs';
import { float32Memory } from './float32Memory';
import { requireInput, type KernelCalls } from './kernelCall';

/** Pooling geometry (tfjs Conv2DInfo fields plus the top/left padding). */
export type PoolGeometry = Pick<
  tf.backend_util.Conv2DInfo,
  | 'batchSize'
  | 'inHeight'
  | 'inWidth'
  | 'inChannels'
  | 'outHeight'
  | 'outWidth'
  | 'strideHeight'
  | 'strideWidth'
  | 'filterHeight'
  | 'filterWidth'
> & { padTop: number; padLeft: number };

/**
 * dx of a 2-D max-pooling (NHWC, dilation 1), computed as a scatter: every pooling window sends
 * its dy to the position of its maximum,  dx[argmax_w x] += dy[w].
 * The argmax is the *first* maximum in row-major window order among in-bounds positions, exactly
 * the tie-breaking of the tfjs cpu backend (`maxPoolPositions`, strict `>` from −∞). Ties are
 * common after a ReLU (windows of zeros). (tfjs-backend-wasm's own MaxPoolGrad breaks ties
 * differently, so its gradients differ from cpu's by whole dy values at tied windows.)
 *
 * Speed: the forward output y holds each window's maximum exactly (max does not round), so the
 * first position with x === y is the argmax; the scan stops there and its branch is predictable.
 * This is ~2× faster than a full compare-and-keep scan and ~5× faster than the wasm built-in on
 * B-AlexNet's pool1 gradient (batch 64, 32×32×32 → 16×16): ≈13 ms vs ≈60 ms. A window whose y is
 * not found (NaN) falls back to the full strict-`>` scan, so the result never depends on y.
 */
export function maxPoolGradScatter(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  g: PoolGeometry,
): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  dx.fill(0);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      const r0 = oh * g.strideHeight - g.padTop;
      const rMin = Math.max(0, r0);
      const rMax = Math.min(H, r0 + g.filterHeight);
      for (let ow = 0; ow < OW; ow++) {
        const c0 = ow * g.strideWidth - g.padLeft;
        const cMin = Math.max(0, c0);
        const cMax = Math.min(W, c0 + g.filterWidth);
        const yBase = ((b * OH + oh) * OW + ow) * C;
        for (let d = 0; d < C; d++) {
          const target = y[yBase + d];
          let pos = -1;
          find: for (let r = rMin; r < rMax; r++) {
            for (let c = cMin, i = xBatch + (r * W + cMin) * C + d; c < cMax; c++, i += C) {
              if (x[i] === target) {
                pos = i;
                break find;
              }
            }
          }
          if (pos < 0) pos = firstMaxPosition(x, xBatch + d, rMin, rMax, cMin, cMax, W, C);
          if (pos >= 0) dx[pos] += dy[yBase + d];
        }
      }
    }
  }
}

/** Index of the first strict maximum of one window/channel (−1 if nothing exceeds −∞). */
function firstMaxPosition(
  x: Float32Array,
  offset: number,
  rMin: number,
  rMax: number,
  cMin: number,
  cMax: number,
  W: number,
  C: number,
): number {
  let best = -Infinity;
  let pos = -1;
  for (let r = rMin; r < rMax; r++) {
    for (let c = cMin, i = offset + (r * W + cMin) * C; c < cMax; c++, i += C) {
      if (x[i] > best) {
        best = x[i];
        pos = i;
      }
    }
  }
  return pos;
}

/**
 * MaxPoolGrad kernel over the backend's own memory (wasm heap or cpu arrays); null (use the
 * backend's kernel) for dilated pools or non-float32 data.
 */
export function maxPoolGradJs(
  calls: KernelCalls,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.MaxPoolGradAttrs,
): tf.TensorInfo | null {
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
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const mem = float32Memory(calls);
  const out = mem.alloc(input.shape);
  maxPoolGradScatter(mem.view(input), mem.view(output), mem.view(dy), mem.view(out), {
    ...info,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  });
  return out;
}
