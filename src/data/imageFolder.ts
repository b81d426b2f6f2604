import { DataError } from '../errors';
import { decodeImage, type DecodeOptions } from './imageDecode';
import { openSource } from './fileSource';
import { parseFolderLayout, SET_NAMES, type SetName } from './folderLayout';
import type { ImageSet, ImageShape } from './types';

/** Decoded image folder (or archive of one). */
export interface ImageFolderData {
  classNames: string[];
  shape: ImageShape;
  /** Only the sets that were asked for are present. */
  sets: Partial<Record<SetName, ImageSet>>;
}

/** Options for `loadImageFolder`. */
export interface ImageFolderOptions extends DecodeOptions {
  /** Which sets to decode (default both); e.g. ['test'] to check the test split quickly. */
  sets?: SetName[];
  /** Called every 1,000 decoded images, for progress output. */
  onProgress?: (decoded: number, total: number) => void;
}

/**
 * Read `<root>/<train|test>/<class>/<image>` from a folder or a .tar/.tar.gz archive (streamed,
 * never extracted) into one uint8 HWC buffer per set, images in canonical order (class, then file
 * name), so a folder and its archive give identical arrays. All images must have the same size
 * unless `size` resizes them; the first decoded image fixes the expected shape.
 */
export async function loadImageFolder(location: string, opts: ImageFolderOptions = {}): Promise<ImageFolderData> {
  const source = openSource(location);
  const layout = parseFolderLayout(await source.list(), source);
  const wantedSets = opts.sets ?? [...SET_NAMES];
  const channels = opts.channels ?? 3;

  // Slot of every wanted file: (set, position in canonical order).
  const slots = new Map<string, { set: SetName; index: number }>();
  for (const set of wantedSets) layout.sets[set].files.forEach((f, index) => slots.set(f, { set, index }));
  const total = slots.size;

  let shape: ImageShape | null = opts.size ? [opts.size[0], opts.size[1], channels] : null;
  let firstFile = '';
  const buffers = new Map<SetName, Uint8Array>();
  const allocate = (s: ImageShape): void => {
    for (const set of wantedSets) buffers.set(set, new Uint8Array(layout.sets[set].files.length * s[0] * s[1] * s[2]));
  };
  if (shape) allocate(shape);

  let done = 0;
  await source.read(new Set(slots.keys()), (rel, bytes) => {
    const slot = slots.get(rel)!;
    const where = source.describe(rel);
    const img = decodeImage(bytes, where, opts);
    if (!shape) {
      shape = [img.height, img.width, img.channels];
      firstFile = rel;
      allocate(shape);
    }
    if (img.height !== shape[0] || img.width !== shape[1]) {
      throw new DataError(
        `${where}: image is ${img.width}×${img.height}; expected ${shape[1]}×${shape[0]}${firstFile ? ` like ${firstFile}` : ''} (all images must have one size; pass a resize size for folders of mixed sizes)`,
      );
    }
    buffers.get(slot.set)!.set(img.data, slot.index * img.data.length);
    done++;
    if (opts.onProgress && done % 1000 === 0) opts.onProgress(done, total);
  });
  if (done !== total)
    throw new DataError(
      `${location}: read ${done} of ${total} listed images; the source changed while it was being read`,
    );
  if (!shape) throw new DataError(`${location}: no images found`);

  const sets: Partial<Record<SetName, ImageSet>> = {};
  for (const set of wantedSets) {
    const { labels } = layout.sets[set];
    sets[set] = { name: set, source: location, pixels: buffers.get(set)!, labels, count: labels.length };
  }
  return { classNames: layout.classNames, shape, sets };
}
