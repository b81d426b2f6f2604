import type { CascadeKeys } from '../../cascade/cascadeKeys';
import type { Fallback } from '../../cascade/runCascade';
import { binCascade, type BinnedCascade } from '../../offloading/thresholdBins';
import { countThresholds, rowAt } from '../../offloading/thresholdSweep';
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

export function binBoth(
  keys: CascadeKeys,
  k: number,
  fallback: Fallback,
  grid: Float64Array,
  points: Float64Array,
): Binned {
  const layout = { edgeExits: k, fallback };
  return { grid: binCascade(keys, grid, layout), batch: binCascade(keys, points, layout) };
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
  const counts = countThresholds(b.grid, weights);
  for (let g = 0; g < G; g++) {
    const row = rowAt(b.grid, counts, g, grid[g], null);
    out.offload[r * G + g] = row.offloadProbability;
    out.device[r * G + g] = row.onDeviceAccuracy ?? NaN;
    out.overall[r * G + g] = row.overallAccuracy;
    out.deviceCount[r * G + g] = (1 - row.offloadProbability) * counts.total;
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
