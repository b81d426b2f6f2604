import * as path from 'node:path';
import { DataError } from '../errors';
import { IMAGE_EXTENSIONS } from './imageDecode';
import type { FileSource, SourceListing } from './fileSource';

/** The two file sets an image folder provides. */
export type SetName = 'train' | 'test';
export const SET_NAMES: readonly SetName[] = ['train', 'test'];

/** The files of one set in canonical order (class index, then file name) with their labels. */
export interface SetFiles {
  files: string[];
  labels: Int32Array;
}

/** Parsed `<root>/<split>/<class>/<file>` layout. */
export interface FolderLayout {
  /** Class folder names sorted by name (code-unit order): label = position. */
  classNames: string[];
  sets: Record<SetName, SetFiles>;
}

/**
 * Interpret a listing as `<split>/<class>/<file>.jpg|jpeg|png` with splits `train` and `test`
 * (optionally all under one wrapper folder, as archives often are). Hidden files (".*") are
 * ignored. Class folders are sorted by name to give label indices (CIFAR-10: airplane … truck =
 * the official order). Errors (DataError, naming the path): missing split, a file or unknown
 * folder where a class/split folder is expected, deeper nesting, non-image files, empty class
 * folders, and class folders that appear in one split but not the other.
 */
export function parseFolderLayout(
  listing: SourceListing,
  source: Pick<FileSource, 'location' | 'describe'>,
): FolderLayout {
  const location = source.location;
  const at = (rel: string): string => source.describe(rel);
  const prefix = wrapperPrefix(listing);
  const strip = (p: string): string | null => (p.startsWith(prefix) ? p.slice(prefix.length) : null);
  const classes: Record<SetName, Map<string, string[]>> = { train: new Map(), test: new Map() };

  for (const raw of listing.dirs) {
    const rel = strip(raw);
    if (rel === null || rel === '' || hidden(rel)) continue;
    const parts = rel.split('/');
    if (!(SET_NAMES as readonly string[]).includes(parts[0])) {
      throw new DataError(
        `${at(raw)}: unexpected folder "${parts[0]}"; expected only train/ and test/ at the top of ${location}`,
      );
    }
    if (parts.length === 2)
      classes[parts[0] as SetName].set(parts[1], classes[parts[0] as SetName].get(parts[1]) ?? []);
    if (parts.length > 2)
      throw new DataError(`${at(raw)}: nested folder; expected <split>/<class>/<image> with no deeper folders`);
  }
  for (const raw of listing.files) {
    const rel = strip(raw);
    if (rel === null || hidden(rel)) continue;
    const parts = rel.split('/');
    if (parts.length === 1) continue; // README or checksum files next to train/ and test/
    const where = at(raw);
    if (parts.length !== 3 || !(SET_NAMES as readonly string[]).includes(parts[0])) {
      throw new DataError(`${where}: unexpected file location; expected <train|test>/<class>/<image>`);
    }
    if (!IMAGE_EXTENSIONS.includes(path.extname(parts[2]).toLowerCase())) {
      throw new DataError(`${where}: not an image file; expected ${IMAGE_EXTENSIONS.join(', ')}`);
    }
    const map = classes[parts[0] as SetName];
    const list = map.get(parts[1]) ?? [];
    list.push(raw);
    map.set(parts[1], list);
  }

  for (const set of SET_NAMES) {
    if (classes[set].size === 0)
      throw new DataError(
        `${location}: no ${set}/ folder with class folders; expected ${set}/<class>/<image> (e.g. ${set}/cat/0001.jpg)`,
      );
    for (const [cls, files] of classes[set]) {
      if (files.length === 0)
        throw new DataError(
          `${at(`${prefix}${set}/${cls}`)}: empty class folder; expected at least one .jpg/.jpeg/.png image`,
        );
    }
  }
  const classNames = [...classes.train.keys()].sort(codeUnitOrder);
  const known = new Set(classNames);
  for (const cls of classes.test.keys()) {
    if (!known.has(cls))
      throw new DataError(
        `${at(`${prefix}test/${cls}`)}: unknown class folder "${cls}"; expected one of the train/ classes: ${classNames.join(', ')}`,
      );
  }
  for (const cls of classNames) {
    if (!classes.test.has(cls))
      throw new DataError(
        `${at(`${prefix}test`)}: class folder "${cls}" is missing; expected the same classes as train/`,
      );
  }
  const sets = {} as Record<SetName, SetFiles>;
  for (const set of SET_NAMES) {
    const files: string[] = [];
    const labels: number[] = [];
    classNames.forEach((cls, label) => {
      for (const f of classes[set].get(cls)!.sort(codeUnitOrder)) {
        files.push(f);
        labels.push(label);
      }
    });
    sets[set] = { files, labels: Int32Array.from(labels) };
  }
  return { classNames, sets };
}

/** "root/" when everything sits under one folder that is not itself train/ or test/, else "". */
function wrapperPrefix(listing: SourceListing): string {
  const tops = new Set([...listing.files, ...listing.dirs].filter((p) => !hidden(p)).map((p) => p.split('/')[0]));
  const filesAtTop = listing.files.some((f) => !f.includes('/') && !hidden(f));
  if (tops.size === 1 && !filesAtTop) {
    const [top] = tops;
    if (!(SET_NAMES as readonly string[]).includes(top)) return `${top}/`;
  }
  return '';
}

function hidden(rel: string): boolean {
  return rel.split('/').some((p) => p.startsWith('.'));
}

/** Sort by UTF-16 code units (locale-independent, so label order is the same everywhere). */
function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
