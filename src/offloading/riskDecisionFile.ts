import { RecordFormatError } from '../errors';
import type { RiskControlResult } from './riskControl';

/**
 * The decision file `eecal threshold --out` writes and `sweep | outage | deadline --decision`
 * read in place of a p_tar: the certified threshold with what it was certified for. Pure data
 * (validation and JSON shape); reading and writing live in the CLI.
 */
export interface RiskDecisionFile {
  format: 'eecal-decision';
  version: 1;
  method: 'risk-control';
  /** The certified threshold, or null when no threshold of the grid could be certified. */
  threshold: number | null;
  /** Device branches k the decision was certified for. */
  k: number;
  target: number;
  delta: number;
  /** Validation P_off at the threshold (null with no threshold). */
  validationOffloadProbability: number | null;
  provenance: {
    /** Validation records file (as given on the command line). */
    records: string;
    /** SHA-256 of the records CSV. */
    recordsSha256: string;
    numSamples: number;
    /** Calibration file the confidences came from, or null (uncalibrated). */
    calibration: string | null;
    calibrationSha256: string | null;
    grid: number[];
    orderingSize: number;
    testingSize: number;
    seed: number;
    eecalVersion: string;
  };
}

/** The decision file of a result. */
export function riskDecisionOf(
  r: RiskControlResult,
  k: number,
  provenance: RiskDecisionFile['provenance'],
): RiskDecisionFile {
  return {
    format: 'eecal-decision',
    version: 1,
    method: 'risk-control',
    threshold: r.threshold,
    k,
    target: r.target,
    delta: r.delta,
    validationOffloadProbability: r.chosen ? r.chosen.offloadProbability : null,
    provenance,
  };
}

/** Check a parsed decision file; throws a RecordFormatError naming the field (the CLI wraps it with the file name). */
export function validateRiskDecision(obj: unknown): RiskDecisionFile {
  const o = obj as Partial<RiskDecisionFile> | null;
  if (!o || typeof o !== 'object') throw new RecordFormatError('expected a JSON object');
  if (o.format !== 'eecal-decision')
    throw new RecordFormatError(`format: expected "eecal-decision", got ${JSON.stringify(o.format)}`);
  if (o.version !== 1) throw new RecordFormatError(`version: expected 1, got ${JSON.stringify(o.version)}`);
  if (o.method !== 'risk-control')
    throw new RecordFormatError(`method: expected "risk-control", got ${JSON.stringify(o.method)}`);
  if (!(o.threshold === null || (typeof o.threshold === 'number' && o.threshold > 0 && o.threshold <= 1)))
    throw new RecordFormatError('threshold: expected a number in (0, 1] or null');
  if (!(typeof o.k === 'number' && Number.isInteger(o.k) && o.k >= 1))
    throw new RecordFormatError('k: expected an integer ≥ 1');
  if (!(typeof o.target === 'number' && o.target > 0 && o.target < 1))
    throw new RecordFormatError('target: expected a number in (0, 1)');
  if (!(typeof o.delta === 'number' && o.delta > 0 && o.delta < 1))
    throw new RecordFormatError('delta: expected a number in (0, 1)');
  if (!o.provenance || typeof o.provenance !== 'object') throw new RecordFormatError('provenance: expected an object');
  return o as RiskDecisionFile;
}
