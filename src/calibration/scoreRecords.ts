import type { ExitRecords } from '../records/types';
import { topLabelScores, type ExitScores } from '../records/scores';
import type { CalibrationFile } from './calibrationFile';
import { RecordFormatError } from '../errors';

/**
 * Top-label scores of every exit after applying a calibration file (or none).
 * PLACEHOLDER: handles identity and temperature states only; the calibration library replaces this
 * with the general calibrator registry.
 */
export function scoreRecords(records: ExitRecords, calibration?: CalibrationFile): ExitScores[] {
  if (!calibration) return records.logits.map((l) => topLabelScores(l, records.numClasses, 1));
  if (calibration.numExits !== records.numExits) {
    throw new RecordFormatError(
      `calibration is for ${calibration.numExits} exits, records have ${records.numExits}`,
    );
  }
  return records.logits.map((l, e) => {
    const st = calibration.exits[e].calibrator;
    const T = st.kind === 'temperature' ? Number(st.temperature) : 1;
    return topLabelScores(l, records.numClasses, T);
  });
}
