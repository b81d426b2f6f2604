import type { ExitRecords } from '../../records/types';
import { scoreRecords } from '../../calibration/index';
import { keysFromScores, type CascadeKeys } from '../../cascade/cascadeKeys';
import type { Fallback } from '../../cascade/runCascade';
import { binCascade, sortGrid, type BinnedCascade } from '../../offloading/thresholdBins';
import { countThresholds, rowAt } from '../../offloading/thresholdSweep';
import { createRng, permutation } from '../../util/rng';
import { batchMisses } from './batchMisses';
import { drawIndices, multiplicities, reshuffle } from './resample';
import type { RefitKeys } from './refitKeys';
import { ConfigError } from '../../errors';

/** Curves of one side (uncalibrated or calibrated) at one partition: one value per point, or B × points row-major. */
export interface SideCurves {
  /** On the sweep grid. */
  offload: Float64Array;
  /** NaN where the device keeps no sample. */
  device: Float64Array;
  overall: Float64Array;
  /** Samples kept on the device (weighted by the resample). */
  deviceCount: Float64Array;
  /** On the batch points: fraction of full batches in outage / missing p_tar on overall accuracy. */
  outage: Float64Array;
  accuracyMiss: Float64Array;
}

/** The data's value and the B bootstrap replicates of every curve of one side. */
export interface SideResult {
  point: SideCurves;
  reps: SideCurves;
}

/** Both sides at k device branches; replicate r of both sides used the same resamples and shuffles. */
export interface PartitionReplicates {
  edgeExits: number;
  /**
   * Whether the calibration lowered (or kept) every device exit's confidence of every test sample,
   * in the fit on the data and in every replicate's refit: then P_off cannot fall in any replicate,
   * so "calibration offloads more" holds by construction under this very resampling.
   */
  deviceConfidencesLowered: boolean;
  uncalibrated: SideResult;
  calibrated: SideResult;
}

/** Inputs of {@link pairedBootstrap}. */
export interface PairedBootstrapInput {
  val: ExitRecords;
  test: ExitRecords;
  /** The calibrated side: refits on a validation resample and scores the test set (`refitKeys.ts`). */
  refit: RefitKeys;
  /** Device branches k to evaluate (each k sees the same replicates, so k = 2 − k = 1 is paired too). */
  edgeExits: readonly number[];
  fallback: Fallback;
  /** p_tar grid of the sweep curves (any order; results are on the ascending grid). */
  grid: readonly number[];
  /** p_tar values of the batch metrics (outage points, missed-deadline p_tar). */
  batchPoints: readonly number[];
  batchSize: number;
  replicates: number;
  seed: number;
  /** Shuffles of each resample into batches; the first is the resample's own random order. */
  shufflesPerReplicate: number;
  /** Rounds of shuffles of the original test set for the batch metrics' point estimates, and their seed. */
  pointRounds: number;
  pointSeed: number;
}

/** What {@link pairedBootstrap} returns. */
export interface PairedBootstrap {
  replicates: number;
  /** Ascending sweep grid and batch points (the order of every curve). */
  grid: number[];
  batchPoints: number[];
  partitions: PartitionReplicates[];
}

function emptyCurves(G: number, P: number, rows: number): SideCurves {
  return {
    offload: new Float64Array(rows * G), device: new Float64Array(rows * G), overall: new Float64Array(rows * G), deviceCount: new Float64Array(rows * G),
    outage: new Float64Array(rows * P), accuracyMiss: new Float64Array(rows * P),
  };
}

/** Binned cascades of one side at one k: on the sweep grid and on the batch points. */
interface Binned {
  grid: BinnedCascade;
  batch: BinnedCascade;
}

function binBoth(keys: CascadeKeys, k: number, fallback: Fallback, grid: Float64Array, points: Float64Array): Binned {
  const layout = { edgeExits: k, fallback };
  return { grid: binCascade(keys, grid, layout), batch: binCascade(keys, points, layout) };
}

/** Fill row r of `out` from one side's binned cascade, a resample's weights and its batch sequences. */
function fillRow(out: SideCurves, r: number, b: Binned, grid: Float64Array, points: Float64Array, weights: Int32Array | undefined, seqs: readonly Int32Array[], batchSize: number): void {
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
  for (const seq of seqs) {
    const m = batchMisses(b.batch, points, seq, batchSize);
    for (let p = 0; p < P; p++) {
      out.outage[r * P + p] += m.outage[p] / seqs.length;
      out.accuracyMiss[r * P + p] += m.accuracyMiss[p] / seqs.length;
    }
  }
}

/**
 * Paired bootstrap of an uncalibrated cascade against a calibrated one, for statistically sound
 * verdicts. Replicate r draws a resample of the validation rows and refits the calibration on it
 * (so the fit's own uncertainty is in the interval), draws a resample of the test rows, and scores
 * both sides on the same test resample (weights for the sweep curves) and the same batch shuffles
 * (outage, accuracy misses, full batches only). Every k is scored on the same replicate, so
 * differences between k are paired as well. All thresholds are evaluated at once per replicate
 * (binned cascade + difference arrays): O(N·k + G) per side and replicate besides the refit.
 */
export function pairedBootstrap(input: PairedBootstrapInput): PairedBootstrap {
  const { val, test, batchSize } = input;
  const grid = sortGrid(input.grid).values;
  const points = sortGrid(input.batchPoints).values;
  const G = grid.length;
  const P = points.length;
  const B = input.replicates;
  const n = test.numSamples;
  const unKeys = keysFromScores(scoreRecords(test), test.labels);
  const calKeys = input.refit(null);
  const pointRng = createRng(input.pointSeed);
  const rounds = Array.from({ length: input.pointRounds }, () => permutation(n, pointRng));
  const unBinned = input.edgeExits.map((k) => binBoth(unKeys, k, input.fallback, grid, points));
  const partitions: PartitionReplicates[] = input.edgeExits.map((k, j) => {
    const un = { point: emptyCurves(G, P, 1), reps: emptyCurves(G, P, B) };
    const cal = { point: emptyCurves(G, P, 1), reps: emptyCurves(G, P, B) };
    fillRow(un.point, 0, unBinned[j], grid, points, undefined, rounds, batchSize);
    fillRow(cal.point, 0, binBoth(calKeys, k, input.fallback, grid, points), grid, points, undefined, rounds, batchSize);
    return { edgeExits: k, deviceConfidencesLowered: keysNeverHigher(calKeys, unKeys, k), uncalibrated: un, calibrated: cal };
  });
  const rng = createRng(input.seed);
  for (let r = 0; r < B; r++) {
    const valIdx = drawIndices(val.numSamples, rng);
    const testIdx = drawIndices(n, rng);
    const seqs = [testIdx];
    for (let s = 1; s < input.shufflesPerReplicate; s++) seqs.push(reshuffle(testIdx, rng));
    const weights = multiplicities(testIdx, n);
    const keys = input.refit(valIdx);
    input.edgeExits.forEach((k, j) => {
      if (partitions[j].deviceConfidencesLowered && !keysNeverHigher(keys, unKeys, k)) partitions[j].deviceConfidencesLowered = false;
      fillRow(partitions[j].uncalibrated.reps, r, unBinned[j], grid, points, weights, seqs, batchSize);
      fillRow(partitions[j].calibrated.reps, r, binBoth(keys, k, input.fallback, grid, points), grid, points, weights, seqs, batchSize);
    });
  }
  return { replicates: B, grid: Array.from(grid), batchPoints: Array.from(points), partitions };
}

/**
 * True when no device exit 1…k has a calibrated confidence above the uncalibrated one, for any
 * sample (1e-12 absorbs the rounding of two formulas for the same confidence, e.g. at 1.0).
 */
function keysNeverHigher(cal: CascadeKeys, un: CascadeKeys, k: number): boolean {
  for (let e = 0; e < k; e++) {
    const a = cal.keys[e];
    const b = un.keys[e];
    for (let i = 0; i < a.length; i++) if (a[i] > b[i] + 1e-12) return false;
  }
  return true;
}

/** Index of value x in an ascending list (within 1e-9); throws when absent. */
export function indexOfPoint(values: readonly number[], x: number, what: string): number {
  const i = values.findIndex((v) => Math.abs(v - x) < 1e-9);
  if (i < 0) throw new ConfigError(`${what}: p_tar ${x} is not among ${values.join(', ')}`);
  return i;
}

/** Column `col` of a B × width row-major replicate matrix. */
export function column(reps: Float64Array, width: number, col: number): Float64Array {
  const B = reps.length / width;
  const out = new Float64Array(B);
  for (let r = 0; r < B; r++) out[r] = reps[r * width + col];
  return out;
}
