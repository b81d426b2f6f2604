import { DataError } from '../errors';
import type { ImageShape, Normalization } from './types';

/**
 * Per-channel mean and (population) standard deviation of the selected images, in [0, 1] units
 * (pixel/255). Computed on the training split only, so validation/test statistics never leak into
 * preprocessing. Sums are accumulated per image in integers, then in float64, so the result is exact
 * to double precision for any dataset size here.
 */
export function channelStats(
  pixels: Uint8Array,
  shape: ImageShape,
  indices: Int32Array,
  source: string,
): Normalization {
  const [h, w, c] = shape;
  const per = h * w * c;
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const imgSum = new Float64Array(c);
  const imgSq = new Float64Array(c);
  for (let k = 0; k < indices.length; k++) {
    const base = indices[k] * per;
    imgSum.fill(0);
    imgSq.fill(0);
    for (let p = 0; p < per; p += c) {
      for (let ch = 0; ch < c; ch++) {
        const v = pixels[base + p + ch];
        imgSum[ch] += v;
        imgSq[ch] += v * v;
      }
    }
    for (let ch = 0; ch < c; ch++) {
      sum[ch] += imgSum[ch];
      sumSq[ch] += imgSq[ch];
    }
  }
  const count = indices.length * h * w;
  if (count === 0) throw new DataError(`${source}: cannot compute normalisation on an empty training split`);
  const mean: number[] = [];
  const std: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const m = sum[ch] / count;
    const variance = Math.max(0, sumSq[ch] / count - m * m);
    mean.push(m / 255);
    // A constant channel (e.g. a synthetic test image) would divide by zero: use 1 so the
    // normalised values stay finite and equal to x − mean.
    std.push(variance > 0 ? Math.sqrt(variance) / 255 : 1);
  }
  return { mean, std };
}
