import type { ExitRecords } from '../records/types';
import type { ModelManifest } from '../records/modelFolder';
import { entropyRows } from '../records/logitRows';
import { uncalibratedScores } from '../records/scores';
import { onDeviceCounts, runCascade } from '../cascade/runCascade';
import type { ExitCalibrationRow } from './calibrationStudy';
import type { Claim } from './offloadingClaims';

/** How a model was trained, read from its manifest (null fields: not recorded). */
export interface TrainingRegime {
  recipe: string | null;
  augment: boolean | null;
  lrSchedule: string | null;
  keep: 'best' | 'last';
  epochsDone: number | null;
  epochsDeclared: number | null;
  weightsEpoch: number | null;
  adamUpdates: number | null;
}

/** One exit of a model: test accuracy, calibration before/after TS per exit, softmax saturation. */
export interface RegimeExit {
  name: string;
  accuracy: number;
  eceBefore: number;
  eceAfter: number;
  temperature: number | null;
  /** Fraction of test samples with predictive entropy below 1e-4 nats, and below 0.05 nats. */
  entropyBelow1e4: number;
  entropyBelow005: number;
}

/** The k = 1 uncalibrated on-device accuracy at one p_tar, with its 95 % Wilson interval. */
export interface ShortfallPoint {
  pTar: number;
  kept: number;
  accuracy: number;
  low: number;
  high: number;
}

/** Everything the regime comparison shows of one model. */
export interface RegimeSummary {
  name: string;
  regime: TrainingRegime;
  exits: RegimeExit[];
  /** Grid points where the device (k = 1, uncalibrated) keeps ≥ `minKept` samples and its interval lies below p_tar. */
  shortfalls: ShortfallPoint[];
  /** Grid points examined (device keeps ≥ minKept). */
  examined: number;
  claims: Claim[];
}

/** Options of {@link regimeSummary}. */
export interface RegimeSummaryOptions {
  /** p_tar grid of the shortfall search (default 0.50, 0.51, …, 0.99). */
  grid: readonly number[];
  /** Smallest number of kept samples for a point to count (default 200). */
  minKept?: number;
}

const Z95 = 1.959963984540054;

/** 95 % Wilson score interval of a binomial proportion (exact enough at n ≥ 200, never outside [0, 1]). */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] {
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function regimeOf(m: Partial<ModelManifest> | null, epochsLogged: number | null): TrainingRegime {
  const t = (m?.training ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    recipe: typeof t.recipe === 'string' ? t.recipe : null,
    augment: typeof t.augment === 'boolean' ? t.augment : null,
    lrSchedule: typeof t.lrSchedule === 'string' ? t.lrSchedule : null,
    keep: m?.keep ?? 'best',
    // Manifests written before epochsDone existed: the training log's length.
    epochsDone: num(t.epochsDone) ?? epochsLogged,
    epochsDeclared: num(t.epochs),
    weightsEpoch: m?.weightsEpoch ?? m?.bestEpoch ?? null,
    adamUpdates: num(t.adamUpdates),
  };
}

/**
 * Where the uncalibrated device misses its accuracy target: for each p_tar of the grid, the k = 1
 * cascade's on-device accuracy with a 95 % Wilson interval; a point counts when the device keeps at
 * least `minKept` samples and the whole interval lies below p_tar. Computed from the raw logits.
 */
export function uncalibratedShortfalls(
  test: ExitRecords,
  grid: readonly number[],
  minKept = 200,
): { points: ShortfallPoint[]; examined: number } {
  const scores = uncalibratedScores(test);
  const points: ShortfallPoint[] = [];
  let examined = 0;
  for (const pTar of grid) {
    const { kept, right } = onDeviceCounts(runCascade(scores, { edgeExits: 1, pTar }), test.labels);
    if (kept < minKept) continue;
    examined++;
    const [low, high] = wilsonInterval(right, kept);
    if (high < pTar) points.push({ pTar, kept, accuracy: right / kept, low, high });
  }
  return { points, examined };
}

/**
 * The numbers that tell the training regimes apart: how each model was trained, per-exit accuracy
 * and ECE before/after TS per exit (from the calibration study's rows), how saturated the softmax
 * is, where the uncalibrated device misses p_tar, and the report's claims.
 */
export function regimeSummary(
  name: string,
  manifest: Partial<ModelManifest> | null,
  epochsLogged: number | null,
  test: ExitRecords,
  rows: readonly ExitCalibrationRow[],
  claims: Claim[],
  opts: RegimeSummaryOptions,
): RegimeSummary {
  const ts = rows.filter((r) => r.methodId === 'temperature');
  const exits = ts.map((r): RegimeExit => {
    const h = entropyRows(test.logits[r.exit - 1], test.numClasses);
    let a = 0;
    let b = 0;
    for (let i = 0; i < h.length; i++) {
      if (h[i] < 1e-4) a++;
      if (h[i] < 0.05) b++;
    }
    return {
      name: r.name,
      accuracy: r.accuracy,
      eceBefore: r.eceBefore,
      eceAfter: r.eceAfter,
      temperature: r.temperature,
      entropyBelow1e4: a / h.length,
      entropyBelow005: b / h.length,
    };
  });
  const s = uncalibratedShortfalls(test, opts.grid, opts.minKept ?? 200);
  return { name, regime: regimeOf(manifest, epochsLogged), exits, shortfalls: s.points, examined: s.examined, claims };
}
