import { DataError } from '../errors';
import { createRng, shuffleInPlace } from '../util/rng';

/**
 * Seeded, stratified train/validation split of one labelled set.
 *
 * Rule (documented in datasets/README.md): each class c with n_c images gets a validation quota
 * valSize·n_c/n, rounded down, and the images left over are handed out one each to the classes
 * with the largest fractional remainders (ties → lower class index), so the total is exactly
 * `valSize` and class proportions match the full set (CIFAR-10: 500 per class). Then, for
 * c = 0, 1, …, the indices of class c (ascending) are shuffled with one `createRng(seed)` stream
 * and the first quota of them go to validation. Both outputs are returned sorted ascending.
 * Because sets are stored in a canonical order (file order for binaries, class then file name
 * for image folders), the same seed gives the same split from a folder or from its archive.
 */
export function stratifiedSplit(
  labels: Int32Array,
  numClasses: number,
  valSize: number,
  seed: number,
): { train: Int32Array; val: Int32Array } {
  const n = labels.length;
  if (!Number.isInteger(valSize) || valSize < 0 || valSize >= n) {
    throw new DataError(
      `validation size ${valSize}: expected an integer in [0, ${n - 1}] for a training set of ${n} images (the training files hold too few images for the validation split: eecal train and infer hold out ${valSize}; loadDataset takes valSize, eecal data inspect --val-size)`,
    );
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i]].push(i);

  const quota = classQuotas(
    byClass.map((m) => m.length),
    valSize,
  );
  const rng = createRng(seed);
  const isVal = new Uint8Array(n);
  for (let c = 0; c < numClasses; c++) {
    const members = shuffleInPlace(Int32Array.from(byClass[c]), rng);
    for (let k = 0; k < quota[c]; k++) isVal[members[k]] = 1;
  }
  const val = new Int32Array(valSize);
  const train = new Int32Array(n - valSize);
  let v = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (isVal[i]) val[v++] = i;
    else train[t++] = i;
  }
  return { train, val };
}

/** Largest-remainder allocation of `total` items proportionally to `counts`. */
export function classQuotas(counts: number[], total: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((m) => (n === 0 ? 0 : (total * m) / n));
  const quota = exact.map(Math.floor);
  let left = total - quota.reduce((a, b) => a + b, 0);
  const order = exact.map((e, c) => ({ c, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (let k = 0; left > 0; k = (k + 1) % order.length) {
    const c = order[k].c;
    if (quota[c] < counts[c]) {
      quota[c]++;
      left--;
    }
  }
  return quota;
}

/** 0 … n−1 as an Int32Array (a split that takes a whole set). */
export function allIndices(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
