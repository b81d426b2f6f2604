import { HttpError } from './httpServer';

/**
 * The wire format between edge and cloud: the split tensor as a raw little-endian body
 * (`application/octet-stream`), float32 by default or float16 to halve the upload, described by
 * headers. The cloud answers JSON (`CloudAnswer`).
 */
export const HEADERS = {
  /** Comma-separated shape including the batch dimension, e.g. "1,16,16,64". */
  shape: 'x-eecal-shape',
  /** float32 | float16. */
  dtype: 'x-eecal-dtype',
  /** Number of device exits k: the tensor is the trunk at branch k. */
  edgeExits: 'x-eecal-edge-exits',
  /** `modelDigest` of the weights the edge ran. */
  model: 'x-eecal-model',
} as const;

export type WireDtype = 'float32' | 'float16';

/** What the cloud returns for a split tensor of a batch of n. */
export interface CloudAnswer {
  /** 1-based exit numbers of `logits` (k+1 … E). */
  exits: number[];
  /** Per cloud exit, per sample: raw logits. */
  logits: number[][][];
  /** Per sample: the final exit's argmax and raw max-softmax confidence. */
  prediction: number[];
  confidence: number[];
  /** Cloud compute (decode + forward + readback), ms. */
  computeMs: number;
}

/** IEEE half from a float (round to nearest even; overflow → ±Infinity). */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // underflow to zero
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** Float from IEEE half bits. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Serialise a tensor's values for the wire. */
export function encodeTensor(values: Float32Array, dtype: WireDtype): Buffer {
  if (dtype === 'float32') return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.allocUnsafe(values.length * 2);
  for (let i = 0; i < values.length; i++) out.writeUInt16LE(toFloat16Bits(values[i]), 2 * i);
  return out;
}

/** Parse the shape header: positive integers, at most `maxRank` of them. */
export function parseShape(header: string | string[] | undefined, maxRank = 8): number[] {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text)
    throw new HttpError(400, `header ${HEADERS.shape} is missing; expected the tensor shape, e.g. "1,16,16,64"`);
  const dims = text.split(',').map((d) => Number(d.trim()));
  if (dims.length > maxRank || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new HttpError(
      400,
      `header ${HEADERS.shape} "${text}": expected up to ${maxRank} comma-separated positive integers`,
    );
  }
  return dims;
}

/** Decode a body of `dtype` values into float32, checking its length against the shape. */
export function decodeTensor(body: Buffer, shape: number[], dtype: WireDtype): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const width = dtype === 'float32' ? 4 : 2;
  if (body.length !== n * width) {
    throw new HttpError(
      400,
      `body has ${body.length} bytes; expected ${n * width} (${dtype} × shape [${shape.join(',')}]): truncated or wrong shape`,
    );
  }
  const out = new Float32Array(n);
  if (dtype === 'float32') {
    for (let i = 0; i < n; i++) out[i] = body.readFloatLE(4 * i);
  } else {
    for (let i = 0; i < n; i++) out[i] = fromFloat16Bits(body.readUInt16LE(2 * i));
  }
  return out;
}
