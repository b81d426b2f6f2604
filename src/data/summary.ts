import { SPLIT_NAMES, type LoadedDataset, type SplitName } from './types';

/** Counts per split and per class, as printed by `eecal data inspect`. */
export interface DatasetSummary {
  name: string;
  source: string;
  /** [H, W, C]. */
  shape: number[];
  classNames: string[];
  splitSeed: number;
  splits: Record<SplitName, { count: number; perClass: number[] }>;
  normalization: { mean: number[]; std: number[] };
  /** Bytes of uint8 pixel storage (all sets). */
  pixelBytes: number;
}

/** Summarise a loaded dataset: counts per split and class, shape, train-split normalisation. */
export function summarizeDataset(ds: LoadedDataset): DatasetSummary {
  const splits = {} as DatasetSummary['splits'];
  for (const s of SPLIT_NAMES) {
    const { set, indices } = ds.splits[s];
    const perClass = new Array<number>(ds.classNames.length).fill(0);
    for (const i of indices) perClass[set.labels[i]]++;
    splits[s] = { count: indices.length, perClass };
  }
  return {
    name: ds.name,
    source: ds.source,
    shape: [...ds.shape],
    classNames: ds.classNames,
    splitSeed: ds.splitSeed,
    splits,
    normalization: ds.normalization,
    pixelBytes: ds.sets.train.pixels.length + ds.sets.test.pixels.length,
  };
}

/** Human-readable table of a summary: one row per class, one column per split. */
export function formatSummary(s: DatasetSummary): string {
  const width = Math.max(5, ...s.classNames.map((c) => c.length));
  const num = (n: number): string => n.toLocaleString('en-US').padStart(8);
  const lines = [
    `dataset   ${s.name}`,
    `source    ${s.source}`,
    `shape     ${s.shape.join('×')} (H×W×C), ${s.classNames.length} classes, ${(s.pixelBytes / 1e6).toFixed(1)} MB uint8`,
    `split     validation drawn from the training files with seed ${s.splitSeed} (stratified)`,
    `mean/std  ${s.normalization.mean.map((m, c) => `${m.toFixed(4)}/${s.normalization.std[c].toFixed(4)}`).join('  ')} (train split, [0,1] units)`,
    '',
    `${'class'.padEnd(width)}  ${SPLIT_NAMES.map((n) => n.padStart(8)).join('')}`,
    ...s.classNames.map(
      (c, k) => `${c.padEnd(width)}  ${SPLIT_NAMES.map((n) => num(s.splits[n].perClass[k])).join('')}`,
    ),
    `${'total'.padEnd(width)}  ${SPLIT_NAMES.map((n) => num(s.splits[n].count)).join('')}`,
  ];
  return lines.join('\n');
}
