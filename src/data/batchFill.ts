import { DataError } from '../errors';
import type { Rng } from '../util/rng';
import { imageBytes, type LoadedDataset, type Normalization, type SplitName } from './types';

/** Training augmentation (the usual CIFAR recipe): random crop after zero padding, horizontal flip. */
export interface AugmentOptions {
  /** Drives every random choice; per image it draws top = int(2·pad+1), left = int(2·pad+1), then flip = next() < 0.5. */
  rng: Rng;
  /** Zero padding on each side before the crop, pixels (default 4). */
  pad?: number;
  /** Random horizontal flip with probability 1/2 (default true). */
  flip?: boolean;
}

/** Options of `fillBatch` / `makeBatch`. */
export interface BatchOptions {
  augment?: AugmentOptions;
  /** Override the dataset's train-split statistics (e.g. the ones stored with a trained model). */
  normalization?: Normalization;
}

/**
 * Lookup table value[c·256 + v] = (v/255 − mean[c]) / std[c]: one float per possible byte, so
 * normalising a pixel is a single indexed load.
 */
export function normalizationTable(norm: Normalization, channels: number): Float32Array {
  if (norm.mean.length !== channels || norm.std.length !== channels) {
    throw new DataError(
      `normalisation has ${norm.mean.length} means and ${norm.std.length} stds; expected ${channels} (one per channel)`,
    );
  }
  const lut = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    if (!(norm.std[c] > 0) || !Number.isFinite(norm.mean[c]))
      throw new DataError(
        `normalisation channel ${c}: mean ${norm.mean[c]}, std ${norm.std[c]}; expected a finite mean and std > 0`,
      );
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - norm.mean[c]) / norm.std[c];
  }
  return lut;
}

/**
 * Write the normalised NHWC float32 images at `positions` of `split` into `out` (length
 * positions.length·H·W·C) straight from the uint8 pixels, and return their labels.
 * `positions` index the split (0 … size−1), not the underlying set.
 * Augmentation follows torchvision's RandomCrop(padding=pad) + RandomHorizontalFlip applied before
 * Normalize: padded pixels are raw 0 (black), i.e. (0 − mean)/std after normalisation; the flip
 * mirrors the cropped image.
 */
export function fillBatch(
  ds: LoadedDataset,
  split: SplitName,
  positions: Int32Array,
  out: Float32Array,
  opts: BatchOptions = {},
): Int32Array {
  const [h, w, c] = ds.shape;
  const per = imageBytes(ds.shape);
  const { set, indices } = ds.splits[split];
  if (out.length !== positions.length * per)
    throw new DataError(`batch buffer has ${out.length} floats; expected ${positions.length}·${per}`);
  const lut = normalizationTable(opts.normalization ?? ds.normalization, c);
  const labels = new Int32Array(positions.length);
  const px = set.pixels;
  const aug = opts.augment;
  const pad = aug?.pad ?? 4;
  for (let k = 0; k < positions.length; k++) {
    const pos = positions[k];
    if (!(pos >= 0 && pos < indices.length))
      throw new DataError(
        `batch position ${pos}: expected 0 … ${indices.length - 1} in split "${split}" of ${ds.name}`,
      );
    const img = indices[pos];
    labels[k] = set.labels[img];
    const src = img * per;
    const dst = k * per;
    if (!aug) {
      for (let p = 0; p < per; p += c)
        for (let ch = 0; ch < c; ch++) out[dst + p + ch] = lut[ch * 256 + px[src + p + ch]];
      continue;
    }
    const top = aug.rng.int(2 * pad + 1) - pad;
    const left = aug.rng.int(2 * pad + 1) - pad;
    const flip = (aug.flip ?? true) && aug.rng.next() < 0.5;
    for (let y = 0; y < h; y++) {
      const sy = y + top;
      for (let x = 0; x < w; x++) {
        const sx = (flip ? w - 1 - x : x) + left;
        const o = dst + (y * w + x) * c;
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
          for (let ch = 0; ch < c; ch++) out[o + ch] = lut[ch * 256];
        } else {
          const s = src + (sy * w + sx) * c;
          for (let ch = 0; ch < c; ch++) out[o + ch] = lut[ch * 256 + px[s + ch]];
        }
      }
    }
  }
  return labels;
}
