import type { ExitRecords } from '../records/types';
import { topLabelScores, type ExitScores } from '../records/scores';
import type { CalibrationFile } from './calibrationFile';
import { calibratorFromJSON } from './registry';
import { topLabelOf } from '../metrics/topLabel';
import { RecordFormatError } from '../errors';

/**
 * Top-label scores of every exit after applying a calibration file (or none): confidence = max
 * calibrated probability, prediction = argmax of the calibrated probabilities. Every calibrator
 * kind of the registry applies; temperature and identity take a fast path that never builds the
 * N×C matrix. A file for another number of exits or classes, or an unknown kind, is an error.
 */
export function scoreRecords(records: ExitRecords, calibration?: CalibrationFile): ExitScores[] {
  const C = records.numClasses;
  if (!calibration) return records.logits.map((l) => topLabelScores(l, C, 1));
  if (calibration.numExits !== records.numExits) {
    throw new RecordFormatError(`calibration is for ${calibration.numExits} exits, records have ${records.numExits}`);
  }
  if (Number.isInteger(calibration.numClasses) && calibration.numClasses !== C) {
    throw new RecordFormatError(`calibration is for ${calibration.numClasses} classes, records have ${C}`);
  }
  return records.logits.map((logits, e) => {
    const state = calibration.exits[e]?.calibrator;
    let cal;
    try {
      cal = calibratorFromJSON(state, C);
    } catch (err) {
      throw new RecordFormatError(`calibration exit ${e + 1}: ${(err as Error).message}`, { cause: err });
    }
    if (state.kind === 'identity') return topLabelScores(logits, C, 1);
    if (state.kind === 'temperature') return topLabelScores(logits, C, Number(state.temperature));
    const { confidence, prediction } = topLabelOf(cal.probabilities(logits), records.labels, C);
    return { confidence, prediction };
  });
}
