import type { ExitRecords, FloatArray } from '../../src/records/types';
import type { CalibrationFile } from '../../src/calibration/calibrationFile';
import { isFittedCalibration, type Calibration } from '../../src/calibration/applyCalibration';
import { topLabelScores } from '../../src/records/scores';
import { runCascade } from '../../src/cascade/runCascade';
import type { CalibrationOps, ExitMetrics, StudyMethod } from '../../src/study/calibrationStudy';

/**
 * An independent, deliberately simple implementation of the report's calibration needs, for tests
 * (the real one wraps the calibration library): temperature by golden-section search on the NLL
 * over log T ∈ [−3, 3], equal-width (lo, hi] bins, ECE = Σ n_b/N·|acc_b − conf_b|.
 */

/** Mean NLL of rows `idx` of exit logits at temperature T (log-sum-exp). */
export function nllAt(logits: FloatArray, labels: Int32Array, C: number, T: number, idx?: readonly number[]): number {
  const rows = idx ?? Array.from({ length: labels.length }, (_, i) => i);
  let s = 0;
  for (const i of rows) {
    let max = -Infinity;
    for (let k = 0; k < C; k++) max = Math.max(max, logits[i * C + k] / T);
    let z = 0;
    for (let k = 0; k < C; k++) z += Math.exp(logits[i * C + k] / T - max);
    s += max + Math.log(z) - logits[i * C + labels[i]] / T;
  }
  return s / Math.max(1, rows.length);
}

/** argmin over T of the NLL by golden-section search on log T. */
export function fitT(logits: FloatArray, labels: Int32Array, C: number, idx?: readonly number[]): number {
  if (idx && idx.length === 0) return 1;
  let a = -3;
  let b = 3;
  const g = (Math.sqrt(5) - 1) / 2;
  const f = (x: number) => nllAt(logits, labels, C, Math.exp(x), idx);
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 60; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

function file(method: string, pTar: number | null, temps: number[], C: number): CalibrationFile {
  return {
    format: 'eecal-calibration',
    version: 1,
    method,
    pTar,
    numExits: temps.length,
    numClasses: C,
    exits: temps.map((t, e) => ({ exit: e + 1, calibrator: { kind: 'temperature', temperature: t } })),
  };
}

export const referenceCalibrationOps: CalibrationOps = {
  fit(val: ExitRecords, m: StudyMethod, opts: { pTar: number; edgeExits: number }): CalibrationFile {
    const method = typeof m === 'string' ? m : m.id;
    const C = val.numClasses;
    if (method === 'temperature')
      return file(
        method,
        null,
        val.logits.map((l) => fitT(l, val.labels, C)),
        C,
      );
    const scores = val.logits.map((l) => topLabelScores(l, C));
    const { answeringExit } = runCascade(scores, { edgeExits: val.numExits - 1, pTar: opts.pTar });
    const at = val.logits.map((_, e) => [...answeringExit.keys()].filter((i) => answeringExit[i] === e));
    if (method === 'per-branch')
      return file(
        method,
        opts.pTar,
        val.logits.map((l, e) => fitT(l, val.labels, C, at[e])),
        C,
      );
    // Global: pool each sample's logits at the exit it leaves from into one matrix.
    const pooled = new Float64Array(val.numSamples * C);
    for (let i = 0; i < val.numSamples; i++)
      pooled.set(val.logits[answeringExit[i]].subarray(i * C, (i + 1) * C), i * C);
    const T = fitT(pooled, val.labels, C);
    return file(
      method,
      opts.pTar,
      val.logits.map(() => T),
      C,
    );
  },
  exitMetrics(
    records: ExitRecords,
    calibration: Calibration | undefined,
    exitNumber: number,
    nBins: number,
  ): ExitMetrics {
    const exit = exitNumber - 1;
    const C = records.numClasses;
    // This implementation fits only temperatures: read them from the calibration's file.
    const fileOf = calibration && isFittedCalibration(calibration) ? calibration.file : calibration;
    const state = fileOf?.exits[exit].calibrator;
    const T = state?.kind === 'temperature' ? state.temperature : 1;
    const { confidence, prediction } = topLabelScores(records.logits[exit], C, T);
    const n = records.numSamples;
    const count = new Array<number>(nBins).fill(0);
    const conf = new Array<number>(nBins).fill(0);
    const ok = new Array<number>(nBins).fill(0);
    let right = 0;
    for (let i = 0; i < n; i++) {
      const b = Math.min(nBins - 1, Math.max(0, Math.ceil(confidence[i] * nBins) - 1));
      const hit = prediction[i] === records.labels[i] ? 1 : 0;
      count[b]++;
      conf[b] += confidence[i];
      ok[b] += hit;
      right += hit;
    }
    const bins = count.map((c, b) => {
      const meanConfidence = c ? conf[b] / c : 0;
      const accuracy = c ? ok[b] / c : 0;
      return { lo: b / nBins, hi: (b + 1) / nBins, count: c, meanConfidence, accuracy, gap: meanConfidence - accuracy };
    });
    const ece = bins.reduce((s, b) => s + (b.count / n) * Math.abs(b.gap), 0);
    return { accuracy: right / n, nll: nllAt(records.logits[exit], records.labels, C, T), ece, bins };
  },
};
