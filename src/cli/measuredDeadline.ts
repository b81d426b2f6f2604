import { readCalibrationFile } from '../calibration/calibrationFile';
import { recordsKeys } from '../study/offloadingInputs';
import { readMeasuredRecords, recordsSubset } from '../records/measuredRecords';
import type { ExitRecords } from '../records/types';
import { measuredSampleTimes } from '../offloading/measuredTimes';
import { missedDeadlineProbability, type DeadlineOptions, type DeadlineRow } from '../offloading/missedDeadline';

/**
 * `eecal deadline --measured`: the missed-deadline probability on the samples a testbed run measured,
 * with their measured times. Uncalibrated rows use the run's method "none", calibrated rows the
 * calibration file's method, each p_tar its own measured rows. Correctness comes from the records
 * (the edge's answers equal the offline cascade's; the serving tests check it).
 */
export function measuredDeadline(
  file: string,
  column: string,
  records: ExitRecords,
  calibrationPath: string | undefined,
  grid: readonly number[],
  opts: DeadlineOptions,
): { uncal: DeadlineRow[]; cal: DeadlineRow[] | null; note: string } {
  const { rows } = readMeasuredRecords(file);
  const calibration = calibrationPath
    ? { file: readCalibrationFile(calibrationPath), path: calibrationPath }
    : undefined;
  const k = opts.edgeExits;
  let n = 0;
  let fallbacks = 0;
  const run = (method: string, calibrated: boolean): DeadlineRow[] =>
    grid.flatMap((p) => {
      const m = measuredSampleTimes(rows, method, p, k, column, file);
      n = m.samples.length;
      fallbacks += m.fallbacks;
      const inputs = recordsKeys(recordsSubset(records, m.samples, file), calibrated ? calibration : undefined);
      return missedDeadlineProbability(calibrated ? inputs.calibrated! : inputs.uncalibrated, [p], m.times, opts);
    });
  const uncal = run('none', false);
  const cal = calibration ? run(calibration.file.method, true) : null;
  return {
    uncal,
    cal,
    note: `measured times (${column}) of ${n} samples from ${file}${fallbacks ? `; ${fallbacks} answers were cloud-failure fallbacks` : ''}`,
  };
}
