/**
 * Bilinear resize of a uint8 HWC image with half-pixel centres (the convention of
 * torch `interpolate(mode='bilinear', align_corners=False)` without antialiasing, OpenCV
 * INTER_LINEAR and tf.image.resize bilinear): output pixel (y, x) samples the source at
 * ((y + 0.5)·H/H' − 0.5, (x + 0.5)·W/W' − 0.5), clamped to the border, rounded to nearest.
 */
export function resizeBilinear(
  src: Uint8Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
): Uint8Array {
  if (outH === h && outW === w) return src;
  const out = new Uint8Array(outH * outW * c);
  const sy = h / outH;
  const sx = w / outW;
  // Precompute the column taps once: the same for every row.
  const x0s = new Int32Array(outW);
  const x1s = new Int32Array(outW);
  const fxs = new Float64Array(outW);
  for (let x = 0; x < outW; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(x0s[x] + 1, w - 1);
    fxs[x] = fx - x0s[x];
  }
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const wx = fxs[x];
      const a = (y0 * w + x0s[x]) * c;
      const b = (y0 * w + x1s[x]) * c;
      const d = (y1 * w + x0s[x]) * c;
      const e = (y1 * w + x1s[x]) * c;
      const o = (y * outW + x) * c;
      for (let ch = 0; ch < c; ch++) {
        const top = src[a + ch] + (src[b + ch] - src[a + ch]) * wx;
        const bottom = src[d + ch] + (src[e + ch] - src[d + ch]) * wx;
        out[o + ch] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return out;
}
