import { RecordFormatError } from '../errors';
import type { MeasuredRow } from '../records/measuredRecords';
import type { SampleTimes } from './sampleTimes';

/**
 * Per-sample times from a testbed run, for the missed-deadline simulation in place of the latency
 * model. A run measures, for one (method, p_tar), the time of the outcome that really happened; the
 * cascade at that same (method, p_tar) reaches that same outcome (the edge applies the offline rule),
 * so every outcome slot of a sample holds its one measured time and the simulation reads the right one.
 */
export interface MeasuredTimes {
  /** Rows of the exit records that were measured, ascending. */
  samples: Int32Array;
  times: SampleTimes;
  /** 1-based exit that answered each sample in the run (to check against the cascade). */
  exits: Int32Array;
  fallbacks: number;
}

/** Times of one (method, p_tar) of measured rows; `column` is the timing used (default total_ms). */
export function measuredSampleTimes(
  rows: readonly MeasuredRow[],
  method: string,
  pTar: number,
  edgeExits: number,
  column = 'total_ms',
  file = 'measured records',
): MeasuredTimes {
  const mine = rows
    .filter((r) => r.method === method && Math.abs(r.pTar - pTar) < 1e-9)
    .sort((a, b) => a.sample - b.sample);
  if (mine.length === 0) {
    const have = [...new Set(rows.map((r) => `${r.method}@${r.pTar}`))].join(', ');
    throw new RecordFormatError(`${file}: no rows for method "${method}" at p_tar ${pTar} (it has ${have})`);
  }
  const n = mine.length;
  const samples = new Int32Array(n);
  const exits = new Int32Array(n);
  const t = new Float64Array(n);
  let fallbacks = 0;
  mine.forEach((r, i) => {
    if (i > 0 && r.sample === mine[i - 1].sample)
      throw new RecordFormatError(`${file}: sample ${r.sample} measured twice for method "${method}" at p_tar ${pTar}`);
    const v = r.ms[column];
    if (v === undefined) throw new RecordFormatError(`${file}: no column "${column}"`);
    samples[i] = r.sample;
    exits[i] = r.exit;
    t[i] = v;
    if (r.fallback) fallbacks++;
  });
  return { samples, exits, fallbacks, times: { exitMs: Array.from({ length: edgeExits }, () => t), offloadMs: t } };
}
