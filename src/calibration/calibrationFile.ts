/**
 * The calibration file: what `eecal calibrate --out calib.json` writes and every analysis command
 * reads with `--calibration`. One calibrator state per exit (identity where an exit is not
 * calibrated), so consumers never need to know which method produced it.
 */
export interface CalibrationFile {
  format: 'eecal-calibration';
  version: 1;
  /** Method name as given to `eecal calibrate --method`. */
  method: string;
  /** p_tar the fit depended on (per-branch and global TS), else null. */
  pTar: number | null;
  numExits: number;
  numClasses: number;
  /** One entry per exit, exit numbers from 1, in order. */
  exits: Array<{ exit: number; calibrator: CalibratorStateJson }>;
}

/** Serialised calibrator: a `kind` tag plus that kind's parameters. */
export interface CalibratorStateJson {
  kind: string;
  [param: string]: unknown;
}
