import { checkKeys, enabledDeviceExits, type CascadeKeys } from '../../cascade/cascadeKeys';
import type { Fallback } from '../../cascade/runCascade';
import {
  binnedFromCounts,
  countAtMost,
  offloadedCorrect,
  subGridTable,
  type BinnedCascade,
} from '../../offloading/thresholdBins';
import { countThresholds } from '../../offloading/thresholdSweep';
import { batchMissScorer } from './batchMisses';
import { replicateDraws, type DrawShape } from './replicateDraws';
import type { SideCurves } from './pairedBootstrap';

/** Curves of `rows` rows, zeroed; on shared memory when `shared`, so worker threads can fill rows of them. */
export function emptyCurves(G: number, P: number, rows: number, shared = false): SideCurves {
  const f = (len: number) => (shared ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len));
  return {
    offload: f(rows * G),
    device: f(rows * G),
    overall: f(rows * G),
    deviceCount: f(rows * G),
    outage: f(rows * P),
    accuracyMiss: f(rows * P),
  };
}

/** Binned cascades of one side at one k: on the sweep grid and on the batch points. */
export interface Binned {
  grid: BinnedCascade;
  batch: BinnedCascade;
}

/**
 * Binned cascades of one side at every k of `ks`, as one replicate needs them: each device exit's grid
 * counts are computed once and shared by every k (exit 1 serves k = 1 and k = 2), the batch points'
 * counts are looked up from the grid's when the points are grid values (the bootstrap's are), and
 * the keys are checked once. The same binned cascades as `binCascade`'s, integer for integer.
 */
export function binEvery(
  keys: CascadeKeys,
  ks: readonly number[],
  fallback: Fallback,
  grid: Float64Array,
  points: Float64Array,
): Binned[] {
  const n = checkKeys(keys);
  const E = keys.keys.length;
  const layouts = ks.map((k) => ({ edgeExits: k, fallback }));
  const exits = layouts.map((l) => enabledDeviceExits(E, l));
  const onGrid = new Map<number, Int32Array>();
  const onPoints = new Map<number, Int32Array>();
  const table = subGridTable(points, grid);
  for (const e of new Set(exits.flat())) {
    const u = countAtMost(grid, keys.keys[e], new Int32Array(n));
    onGrid.set(e, u);
    if (table) {
      const v = new Int32Array(n);
      for (let i = 0; i < n; i++) v[i] = table[u[i]];
      onPoints.set(e, v);
    } else onPoints.set(e, countAtMost(points, keys.keys[e], new Int32Array(n)));
  }
  return layouts.map((layout, j) => {
    const off = offloadedCorrect(keys, exits[j], layout);
    const counts = (m: Map<number, Int32Array>) => exits[j].map((e) => m.get(e) as Int32Array);
    return {
      grid: binnedFromCounts(keys, grid.length, layout, counts(onGrid), off),
      batch: binnedFromCounts(keys, points.length, layout, counts(onPoints), off),
    };
  });
}

/**
 * The exits whose calibrated keys a replicate reads: the device exits of the largest k (their
 * confidences decide who leaves; keysNeverHigher compares them), and the final exit only when the
 * most-confident fallback compares its confidence with theirs. A refit may skip the others' fits.
 */
export function exitsRead(numExits: number, ks: readonly number[], fallback: Fallback): Set<number> {
  const read = new Set<number>();
  for (let e = 0; e < Math.max(...ks); e++) read.add(e);
  if (fallback === 'most-confident') read.add(numExits - 1);
  return read;
}

/** Fill row r of `out` from one side's binned cascade, a resample's weights and its batch sequences. */
export function fillRow(
  out: SideCurves,
  r: number,
  b: Binned,
  grid: Float64Array,
  points: Float64Array,
  weights: Int32Array | undefined,
  seqs: readonly Int32Array[],
  batchSize: number,
): void {
  const G = grid.length;
  const P = points.length;
  const c = countThresholds(b.grid, weights);
  const N = c.total;
  // `rowAt`'s arithmetic, in its order, without a row object per threshold.
  for (let g = 0; g < G; g++) {
    let dev = 0;
    let devOk = 0;
    for (let m = 0; m < c.exitCount.length; m++) {
      dev += c.exitCount[m][g];
      devOk += c.exitCorrect[m][g];
    }
    const offload = c.offCount[g] / N;
    out.offload[r * G + g] = offload;
    out.device[r * G + g] = dev > 0 ? devOk / dev : NaN;
    out.overall[r * G + g] = (devOk + c.offCorrect[g]) / N;
    out.deviceCount[r * G + g] = (1 - offload) * N;
  }
  const score = batchMissScorer(b.batch, points, batchSize);
  for (const seq of seqs) {
    const m = score(seq);
    for (let p = 0; p < P; p++) {
      out.outage[r * P + p] += m.outage[p] / seqs.length;
      out.accuracyMiss[r * P + p] += m.accuracyMiss[p] / seqs.length;
    }
  }
}

/** What the replicates of one side need besides their index: the same on every thread. */
export interface RowsJob {
  seed: number;
  shape: DrawShape;
  edgeExits: readonly number[];
  fallback: Fallback;
  grid: Float64Array;
  points: Float64Array;
  batchSize: number;
  /** The side's binned cascade at each k for replicate r, from its validation resample. */
  binnedOf: (valIdx: Int32Array) => Binned[];
  /** Per k, the B-row curves the replicates are written into. */
  out: SideCurves[];
  /**
   * Per k, on shared memory: set to 1 by the thread whose refit raised some device confidence above
   * the uncalibrated one (the "holds by construction" premise fails under the resampling); null for
   * the uncalibrated side.
   */
  raised: Int32Array | null;
}

/** Replicates r0 … r1−1 of one side: each depends on its index only (its draws, then its refit). */
export function computeRows(job: RowsJob, r0: number, r1: number): void {
  for (let r = r0; r < r1; r++) {
    const d = replicateDraws(job.seed, r, job.shape);
    const binned = job.binnedOf(d.valIdx);
    binned.forEach((b, j) => fillRow(job.out[j], r, b, job.grid, job.points, d.weights, d.seqs, job.batchSize));
  }
}

/**
 * True when no device exit 1…k has a calibrated confidence above the uncalibrated one, for any
 * sample (1e-12 absorbs the rounding of two formulas for the same confidence, e.g. at 1.0).
 */
export function keysNeverHigher(cal: CascadeKeys, un: CascadeKeys, k: number): boolean {
  for (let e = 0; e < k; e++) {
    const a = cal.keys[e];
    const b = un.keys[e];
    for (let i = 0; i < a.length; i++) if (a[i] > b[i] + 1e-12) return false;
  }
  return true;
}
