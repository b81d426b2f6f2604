import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from '../errors';
import { resizeBilinear } from './resize';

/** A decoded image: uint8 HWC. */
export interface DecodedImage {
  data: Uint8Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

/** How to turn a file into the dataset's pixel format. */
export interface DecodeOptions {
  /** 3 = RGB (grayscale files are replicated), 1 = luminance (ITU-R BT.601, as PIL "L"). Default 3. */
  channels?: 1 | 3;
  /** Resize to [height, width] with bilinear interpolation; default: keep the file's size. */
  size?: [number, number];
}

/** File extensions accepted as images in image folders. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

/**
 * Decode a JPEG or PNG (detected from its magic bytes, not its name) to uint8 HWC with the
 * requested channel count and size. Alpha is dropped. Any decoder failure becomes a DataError
 * naming `file`.
 */
export function decodeImage(bytes: Uint8Array, file: string, opts: DecodeOptions = {}): DecodedImage {
  const channels = opts.channels ?? 3;
  let rgba: { data: Uint8Array; width: number; height: number; stride: 3 | 4 };
  try {
    if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) {
      // formatAsRGBA:false gives 3 bytes per pixel, grayscale JPEGs already replicated to RGB.
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 256 });
      rgba = { data: img.data, width: img.width, height: img.height, stride: 3 };
    } else if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
      const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      rgba = { data: img.data, width: img.width, height: img.height, stride: 4 };
    } else {
      throw new DataError('not a JPEG or PNG file (unknown magic bytes)');
    }
  } catch (err) {
    throw new DataError(`${file}: unreadable image (${(err as Error).message}); expected a valid JPEG or PNG`, {
      cause: err,
    });
  }
  const { width, height, stride } = rgba;
  if (!(width > 0 && height > 0))
    throw new DataError(`${file}: image has size ${width}×${height}; expected a non-empty image`);
  const px = width * height;
  const data = new Uint8Array(px * channels);
  const s = rgba.data;
  if (channels === 3) {
    for (let p = 0; p < px; p++) {
      data[3 * p] = s[stride * p];
      data[3 * p + 1] = s[stride * p + 1];
      data[3 * p + 2] = s[stride * p + 2];
    }
  } else {
    for (let p = 0; p < px; p++) {
      data[p] = Math.round(0.299 * s[stride * p] + 0.587 * s[stride * p + 1] + 0.114 * s[stride * p + 2]);
    }
  }
  if (!opts.size) return { data, height, width, channels };
  const [outH, outW] = opts.size;
  return { data: resizeBilinear(data, height, width, channels, outH, outW), height: outH, width: outW, channels };
}
