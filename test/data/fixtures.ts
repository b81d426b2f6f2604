/**
 * Small dataset files generated on the fly for the data tests: CIFAR-10 binary batches, image
 * folders (JPEG + PNG) and their tar/tar.gz archives. Nothing here is committed data.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as tarStream from 'tar-stream';

/** A fresh temporary folder (removed by the OS; tests also clean up). */
export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `eecal-data-${tag}-`));
}

/** One CIFAR record: label byte + R plane + G plane + B plane, values a deterministic function of (r, c, p). */
export function cifarRecord(label: number, seed: number): Buffer {
  const rec = Buffer.alloc(3073);
  rec[0] = label;
  for (let i = 0; i < 3072; i++) rec[1 + i] = (seed * 31 + i * 7 + (i >> 10) * 50) % 256;
  return rec;
}

/** Write `counts[f]` records to each file; labels cycle 0…9. Returns the records written per file. */
export function writeCifarBinary(dir: string, files: string[], counts: number[], seedBase = 0): Buffer[][] {
  fs.mkdirSync(dir, { recursive: true });
  return files.map((f, fi) => {
    const recs = Array.from({ length: counts[fi] }, (_, r) => cifarRecord((fi + r) % 10, seedBase + fi * 100 + r));
    fs.writeFileSync(path.join(dir, f), Buffer.concat(recs));
    return recs;
  });
}

export const BIN_TRAIN = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
];

/** A complete tiny binary release (4 records per train file, 3 test records) with meta file. */
export function writeTinyCifarRelease(dir: string): { train: Buffer[]; test: Buffer[] } {
  const train = writeCifarBinary(dir, BIN_TRAIN, [4, 4, 4, 4, 4]).flat();
  const test = writeCifarBinary(dir, ['test_batch.bin'], [3], 1000).flat();
  fs.writeFileSync(
    path.join(dir, 'batches.meta.txt'),
    ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck', '', ''].join('\n'),
  );
  return { train, test };
}

/** An RGB h×w image with a smooth, deterministic pattern (smooth so JPEG keeps it close). */
export function pattern(h: number, w: number, k: number): Uint8Array {
  const px = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      px[o] = (40 + 10 * x + 20 * k) % 256;
      px[o + 1] = (60 + 12 * y + 5 * k) % 256;
      px[o + 2] = (100 + 4 * (x + y) + 30 * k) % 256;
    }
  return px;
}

/** Encode RGB pixels as PNG (lossless). */
export function encodePng(px: Uint8Array, h: number, w: number): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let p = 0; p < h * w; p++) {
    png.data[4 * p] = px[3 * p];
    png.data[4 * p + 1] = px[3 * p + 1];
    png.data[4 * p + 2] = px[3 * p + 2];
    png.data[4 * p + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Encode RGB pixels as baseline JPEG at quality 100. */
export function encodeJpeg(px: Uint8Array, h: number, w: number): Buffer {
  const rgba = Buffer.alloc(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    rgba[4 * p] = px[3 * p];
    rgba[4 * p + 1] = px[3 * p + 1];
    rgba[4 * p + 2] = px[3 * p + 2];
    rgba[4 * p + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width: w, height: h }, 100).data;
}

/** Files of a tiny image folder: relative path → bytes. Classes cat, dog (and their pixels). */
export function tinyFolderFiles(h = 4, w = 4): { files: Map<string, Buffer>; pixels: Map<string, Uint8Array> } {
  const files = new Map<string, Buffer>();
  const pixels = new Map<string, Uint8Array>();
  let k = 0;
  for (const split of ['train', 'test'])
    for (const cls of ['dog', 'cat'])
      for (const name of ['b.png', 'a.png', 'c.jpg']) {
        if (split === 'test' && name === 'a.png') continue;
        const px = pattern(h, w, k++);
        const rel = `${split}/${cls}/${name}`;
        pixels.set(rel, px);
        files.set(rel, name.endsWith('.png') ? encodePng(px, h, w) : encodeJpeg(px, h, w));
      }
  return { files, pixels };
}

/** Write files (relative path → bytes) under `root`. */
export function writeTree(root: string, files: Map<string, Buffer>): void {
  for (const [rel, bytes] of files) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), bytes);
  }
}

/** Pack files into a tar (gzip-compressed when `gzip`), in the given order, with directory entries. */
export async function writeTar(target: string, files: Map<string, Buffer>, gzip = true, prefix = ''): Promise<void> {
  const pack = tarStream.pack();
  const dirs = new Set<string>();
  for (const [rel, bytes] of files) {
    const parts = (prefix + rel).split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        pack.entry({ name: `${d}/`, type: 'directory' });
      }
    }
    pack.entry({ name: prefix + rel }, bytes);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const tar = Buffer.concat(chunks);
  fs.writeFileSync(target, gzip ? zlib.gzipSync(tar) : tar);
}
