import type { FloatArray } from '../records/types';
import { topLabelScores, type ExitScores } from '../records/scores';
import { entropyRows } from '../records/logitRows';
import { fitTemperatureExact } from '../calibration/temperatureFit';
import { ece } from '../metrics/calibrationError';
import { nllFromLogits } from '../metrics/nll';
import { onDeviceCounts, runCascade } from '../cascade/runCascade';
import type { CascadePoint, EpochTracking, ExitTracking } from '../records/calibrationOverTraining';

export type { CascadePoint, EpochTracking, ExitTracking };

/** Labels and per-exit row-major N×C logits of one split (what `evaluateSplit` returns). */
export interface SplitLogits {
  labels: Int32Array;
  logits: readonly FloatArray[];
}

/** Confidence targets and device-exit counts tracked after each epoch (a grid around the paper's targets, fixed before training). */
export const TRACKED_P_TARS = [0.7, 0.8, 0.9] as const;
export const TRACKED_EDGE_EXITS = [1, 2] as const;

/** Fraction of rows whose softmax entropy (nats) is below `limit`. */
function saturatedFraction(logits: FloatArray, C: number, limit: number): number {
  const h = entropyRows(logits, C);
  let count = 0;
  for (let i = 0; i < h.length; i++) if (h[i] < limit) count++;
  return count / h.length;
}

function cascadePoints(scores: readonly ExitScores[], labels: Int32Array): CascadePoint[] {
  const points: CascadePoint[] = [];
  for (const k of TRACKED_EDGE_EXITS) {
    if (k > scores.length - 1) continue;
    for (const pTar of TRACKED_P_TARS) {
      const { kept, right } = onDeviceCounts(runCascade(scores, { edgeExits: k, pTar }), labels);
      points.push({
        k,
        pTar,
        onDeviceAccuracy: kept ? right / kept : NaN,
        offloadProbability: 1 - kept / labels.length,
      });
    }
  }
  return points;
}

/**
 * Calibration of every exit after one epoch: accuracy, NLL and 15-bin ECE on test before and after
 * temperature scaling fitted on validation, and what that does to the offloading cascade. This is
 * how overconfidence can be watched growing with passes over the data (the reason the paper's
 * training regime matters).
 */
export function trackCalibration(
  epoch: number,
  val: SplitLogits,
  test: SplitLogits,
  numClasses: number,
): EpochTracking {
  const C = numClasses;
  const exits: ExitTracking[] = [];
  const raw: ExitScores[] = [];
  const scaled: ExitScores[] = [];
  test.logits.forEach((logits, e) => {
    const T = fitTemperatureExact(val.logits[e], val.labels, C).temperature;
    const s1 = topLabelScores(logits, C, 1);
    const sT = topLabelScores(logits, C, T);
    raw.push(s1);
    scaled.push(sT);
    const correct = new Uint8Array(test.labels.length);
    let right = 0;
    for (let i = 0; i < correct.length; i++) right += correct[i] = s1.prediction[i] === test.labels[i] ? 1 : 0;
    exits.push({
      exit: e + 1,
      testAccuracy: right / correct.length,
      testNll: nllFromLogits(logits, test.labels, C, 1),
      testEce: ece(s1.confidence, correct),
      temperature: T,
      testNllTs: nllFromLogits(logits, test.labels, C, T),
      testEceTs: ece(sT.confidence, correct),
      testSaturated: saturatedFraction(logits, C, 1e-4),
    });
  });
  return {
    epoch,
    exits,
    uncalibrated: cascadePoints(raw, test.labels),
    temperatureScaled: cascadePoints(scaled, test.labels),
  };
}
