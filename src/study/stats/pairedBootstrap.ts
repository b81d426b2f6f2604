import type { ExitRecords } from '../../records/types';
import { scoreRecords } from '../../calibration/index';
import { keysFromScores } from '../../cascade/cascadeKeys';
import type { Fallback } from '../../cascade/runCascade';
import { sortGrid } from '../../offloading/thresholdBins';
import { createRng, permutation } from '../../util/rng';
import type { DrawShape } from './replicateDraws';
import type { RefitKeys } from './refitKeys';
import { ConfigError } from '../../errors';
import { refitSpecOf, type RefitSpec } from './refitSpec';
import { binEvery, emptyCurves, exitsRead, fillRow, keysNeverHigher, type RowsJob } from './replicateRows';
import { runReplicates } from './replicatePool';

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
  /** Hears how many replicates of the calibrated side are done (at most about once a second, and at the end). */
  progress?: (done: number, total: number) => void;
}

/** What {@link pairedBootstrap} returns. */
export interface PairedBootstrap {
  replicates: number;
  /** Ascending sweep grid and batch points (the order of every curve). */
  grid: number[];
  batchPoints: number[];
  partitions: PartitionReplicates[];
}

/**
 * Paired bootstrap of an uncalibrated cascade against a calibrated one (issue: statistically sound
 * verdicts). Replicate r draws a resample of the validation rows and refits the calibration on it
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
  const shape: DrawShape = {
    valSamples: val.numSamples,
    testSamples: n,
    shufflesPerReplicate: input.shufflesPerReplicate,
  };
  const uncalibrated = uncalibratedSides(input, grid, points, shape);
  const calKeys = input.refit(null);
  const unKeys = keysFromScores(scoreRecords(test), test.labels);
  // Set by whichever thread refits a replicate that raises some device confidence at that k.
  const raised = new Int32Array(new SharedArrayBuffer(4 * input.edgeExits.length));
  const rounds = pointRounds(input, n);
  const read = exitsRead(test.numExits, input.edgeExits, input.fallback);
  const calBinned = binEvery(calKeys, input.edgeExits, input.fallback, grid, points);
  const partitions: PartitionReplicates[] = input.edgeExits.map((k, j) => {
    const cal = { point: emptyCurves(G, P, 1), reps: emptyCurves(G, P, B, true) };
    fillRow(cal.point, 0, calBinned[j], grid, points, undefined, rounds, batchSize);
    return {
      edgeExits: k,
      deviceConfidencesLowered: keysNeverHigher(calKeys, unKeys, k),
      uncalibrated: uncalibrated[j],
      calibrated: cal,
    };
  });
  const job = rowsJob(
    input,
    grid,
    points,
    shape,
    (valIdx) => {
      const keys = input.refit(valIdx, read);
      input.edgeExits.forEach((k, j) => {
        if (!keysNeverHigher(keys, unKeys, k)) Atomics.store(raised, j, 1);
      });
      return binEvery(keys, input.edgeExits, input.fallback, grid, points);
    },
    partitions.map((p) => p.calibrated.reps),
    raised,
  );
  const spec = refitSpecOf(input.refit);
  const progress = input.progress;
  runReplicates(job, B, spec ? remoteOf(input, job, spec) : null, progress ? (done) => progress(done, B) : undefined);
  partitions.forEach((p, j) => {
    if (raised[j] !== 0) p.deviceConfidencesLowered = false;
  });
  return { replicates: B, grid: Array.from(grid), batchPoints: Array.from(points), partitions };
}

function rowsJob(
  input: PairedBootstrapInput,
  grid: Float64Array,
  points: Float64Array,
  shape: DrawShape,
  binnedOf: RowsJob['binnedOf'],
  out: SideCurves[],
  raised: Int32Array | null = null,
): RowsJob {
  return {
    seed: input.seed,
    shape,
    edgeExits: input.edgeExits,
    fallback: input.fallback,
    grid,
    points,
    batchSize: input.batchSize,
    binnedOf,
    out,
    raised,
  };
}

/** What a worker thread needs to rebuild `job` (the uncalibrated side when `spec` is null). */
function remoteOf(input: PairedBootstrapInput, job: RowsJob, spec: RefitSpec | null) {
  const { binnedOf: _b, out: _o, ...rest } = job;
  return { ...rest, val: input.val, test: input.test, spec };
}

/** The report's shuffles of the original test set (point estimates of the batch metrics). */
function pointRounds(input: PairedBootstrapInput, n: number): Int32Array[] {
  const rng = createRng(input.pointSeed);
  return Array.from({ length: input.pointRounds }, () => permutation(n, rng));
}

/**
 * The uncalibrated side depends on the test set and the bootstrap's settings only, not on the
 * calibration judged: every method draws the same replicates (same seed), so the side is computed
 * once per test set and settings and shared, read-only, by the methods' results.
 */
const uncalibratedCache = new WeakMap<ExitRecords, Map<string, SideResult[]>>();

function uncalibratedSides(
  input: PairedBootstrapInput,
  grid: Float64Array,
  points: Float64Array,
  shape: DrawShape,
): SideResult[] {
  const key = JSON.stringify([
    shape,
    Array.from(grid),
    Array.from(points),
    input.edgeExits,
    input.fallback,
    input.batchSize,
    input.replicates,
    input.seed,
    input.pointRounds,
    input.pointSeed,
  ]);
  let byKey = uncalibratedCache.get(input.test);
  if (!byKey) uncalibratedCache.set(input.test, (byKey = new Map()));
  const cached = byKey.get(key);
  if (cached) return cached;
  const { test, batchSize } = input;
  const G = grid.length;
  const P = points.length;
  const B = input.replicates;
  const unKeys = keysFromScores(scoreRecords(test), test.labels);
  const rounds = pointRounds(input, test.numSamples);
  const binned = binEvery(unKeys, input.edgeExits, input.fallback, grid, points);
  const sides = binned.map((b) => {
    const un = { point: emptyCurves(G, P, 1), reps: emptyCurves(G, P, B, true) };
    fillRow(un.point, 0, b, grid, points, undefined, rounds, batchSize);
    return un;
  });
  const job = rowsJob(
    input,
    grid,
    points,
    shape,
    () => binned,
    sides.map((side) => side.reps),
  );
  runReplicates(job, B, remoteOf(input, job, null));
  byKey.set(key, sides);
  return sides;
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
