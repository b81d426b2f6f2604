import type { ExitRecords, FloatArray } from '../../records/types';
import { fitTemperatureShifted, shiftLogits } from '../../calibration/temperatureFit';
import { scoreRecords, type Calibration } from '../../calibration/applyCalibration';
import { keysFromScores, type CascadeKeys } from '../../cascade/cascadeKeys';
import { subsetRecords } from './resample';
import { confidencesRead, shiftRows } from './testConfidences';

/**
 * How the bootstrap gets the calibrated side of one replicate: refit the calibration on the
 * validation rows `valIndices` (a resample; null = all rows once) and return the test set's cascade
 * keys under it. `read`, when given, holds the (0-based) exits whose keys the caller reads: a
 * per-exit refit may skip the others' fits and give them the uncalibrated keys instead (the TS
 * variants do; a general method ignores it).
 */
export type RefitKeys = (valIndices: Int32Array | null, read?: ReadonlySet<number> | null) => CascadeKeys;

/** The general path: any method fitted by `fit` on the resampled records, test scored with `scoreRecords`. */
export function refitThrough(val: ExitRecords, test: ExitRecords, fit: (val: ExitRecords) => Calibration): RefitKeys {
  return (idx) => keysFromScores(scoreRecords(test, fit(idx ? subsetRecords(val, idx) : val)), test.labels);
}

/** Validation rows prepared once for many weighted temperature fits. */
export interface ShiftedRows {
  shifted: Float64Array;
  labelShift: Float64Array;
  numClasses: number;
}

/** Shift a validation exit's logits once (row max, label entry) for {@link weightedTemperature}. */
export function shiftedRows(logits: FloatArray, labels: Int32Array, numClasses: number): ShiftedRows {
  return { ...shiftLogits(logits, labels, numClasses), numClasses };
}

/**
 * The temperature `calibrateRecords` would fit on the rows a resample draws, `weights` being their
 * multiplicities (null = every row once): the library's exact solver itself (same bounds, the
 * all-correct and constant-row cases), warm-started at `initialTemperature` (the full data's T,
 * a few Newton steps away), so the verdicts refit exactly what the report's tables fitted.
 */
export function weightedTemperature(
  rows: ShiftedRows,
  weights: ArrayLike<number> | null,
  initialTemperature?: number,
): number {
  return fitTemperatureShifted(rows.shifted, rows.labelShift, rows.numClasses, {
    weights,
    ...(initialTemperature !== undefined ? { initialTemperature } : {}),
  }).temperature;
}

/**
 * Fast path for per-exit temperature scaling (the paper's TS): per replicate, refit every exit's
 * T on the resample's multiplicities with the exact solver (no copy of the rows), and recompute
 * only the confidences (TS keeps every argmax, so correctness never changes). Gives the
 * temperatures of `calibrateRecords(val, 'temperature')` on the resampled rows (tested), at a
 * fraction of the cost, which is what makes B ≥ 1,000 affordable.
 */
export function perExitTemperatureRefit(val: ExitRecords, test: ExitRecords): RefitKeys {
  const C = val.numClasses;
  const vs = val.logits.map((l) => shiftedRows(l, val.labels, C));
  const ts = test.logits.map((l) => shiftRows(l, test.numSamples, C));
  const base = keysFromScores(scoreRecords(test), test.labels);
  const full = vs.map((v) => weightedTemperature(v, null));
  const n = test.numSamples;
  return (idx, read) => {
    const weights = idx ? new Int32Array(val.numSamples) : null;
    if (idx && weights) for (let i = 0; i < idx.length; i++) weights[idx[i]]++;
    const beta = (e: number) => 1 / (weights ? weightedTemperature(vs[e], weights, full[e]) : full[e]);
    return { keys: confidencesRead(ts, base.keys, read, beta, n, C), correct: base.correct };
  };
}
