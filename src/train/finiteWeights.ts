import type * as tf from '@tensorflow/tfjs';

const BYTES: Record<string, number> = { float32: 4, int32: 4, float16: 2, complex64: 8, bool: 1, uint8: 1 };

/** Where a weights buffer first holds NaN or ±Infinity. */
export interface NonFinite {
  /** Weight (tensor) name from the spec. */
  name: string;
  /** Flat index within that tensor. */
  index: number;
  value: number;
}

/**
 * The first NaN/±Infinity among the float tensors of a weights buffer laid out as `specs` (the tfjs
 * weights format: tensors back to back), or null when every float is finite. A NaN weight gives
 * plausible-looking records (softmax of NaN logits still ranks, ties break at class 0) and a NaN
 * optimizer moment poisons every later step, so both are refused where weights are read or saved.
 */
export function firstNonFinite(data: ArrayBuffer, specs: readonly tf.io.WeightsManifestEntry[]): NonFinite | null {
  const view = new DataView(data);
  let offset = 0;
  for (const s of specs) {
    const count = s.shape.reduce((a, b) => a * b, 1);
    const bytes = BYTES[s.dtype as string] ?? 1;
    if (s.dtype === 'float32' || s.dtype === 'complex64') {
      const n = s.dtype === 'complex64' ? 2 * count : count;
      for (let i = 0; i < n; i++) {
        const v = view.getFloat32(offset + 4 * i, true);
        if (!Number.isFinite(v)) return { name: s.name, index: s.dtype === 'complex64' ? i >> 1 : i, value: v };
      }
    }
    offset += count * bytes;
  }
  return null;
}
