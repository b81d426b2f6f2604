import type { ExitRecords } from '../../records/types';
import { shuffleInPlace, type Rng } from '../../util/rng';
import { takeRows } from '../../metrics/bootstrap';

/** n indices drawn uniformly with replacement from 0 … n−1: a bootstrap resample, in random order. */
export function drawIndices(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  rng.fillInts(out, n);
  return out;
}

/** How many times each of 0 … n−1 occurs in `indices` (the weights of a resample). */
export function multiplicities(indices: Int32Array, n: number): Int32Array {
  const w = new Int32Array(n);
  for (let i = 0; i < indices.length; i++) w[indices[i]]++;
  return w;
}

/** A Fisher–Yates reshuffle of a sequence (a new array; the input is kept). */
export function reshuffle(seq: Int32Array, rng: Rng): Int32Array {
  return shuffleInPlace(seq.slice(), rng);
}

/** The records restricted to rows `indices` (repeats allowed), in that order; the sidecar is kept. */
export function subsetRecords(records: ExitRecords, indices: Int32Array): ExitRecords {
  return {
    numSamples: indices.length,
    numClasses: records.numClasses,
    numExits: records.numExits,
    labels: takeRows(records.labels, indices),
    logits: records.logits.map((l) => takeRows(l, indices, records.numClasses)),
    meta: records.meta,
  };
}
