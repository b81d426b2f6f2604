import type { SweepRow } from '../offloading/thresholdSweep';
import type { SweepBand } from '../offloading/bootstrapBands';
import type { OutageRow } from '../offloading/outage';
import type { DeadlineRow } from '../offloading/missedDeadline';
import { ShapeMismatchError } from '../errors';
import type { CurveSeries } from './curves';
import type { ExitFractionSeries } from './exitFractions';

/**
 * Adapters from the offloading simulator's rows to figure series: they pick fields, nothing is
 * computed, so a figure shows exactly what `eecal sweep/outage/deadline --json` prints.
 */

/** A sweep quantity that can be drawn against p_tar (with its bootstrap band, when given). */
export type SweepMetric = 'offloadProbability' | 'onDeviceAccuracy' | 'overallAccuracy';

/**
 * One curve of a sweep metric over p_tar; `bands` (same grid order) add the CI band. No bands, or
 * an empty list (a study that skipped them), draws the curve alone.
 */
export function sweepSeries(
  label: string,
  rows: readonly SweepRow[],
  metric: SweepMetric,
  given?: readonly SweepBand[],
): CurveSeries {
  const bands = given && given.length > 0 ? given : undefined;
  if (bands && bands.length !== rows.length)
    throw new ShapeMismatchError(`sweepSeries("${label}"): ${bands.length} bands for ${rows.length} rows`);
  const band = (i: number) => (bands ? bands[i][metric] : null);
  return {
    label,
    x: rows.map((r) => r.pTar),
    y: rows.map((r) => r[metric]),
    ...(bands ? { lo: rows.map((_, i) => band(i)?.[0] ?? null), hi: rows.map((_, i) => band(i)?.[1] ?? null) } : {}),
  };
}

/** Outage probability over p_tar with its 95% CI. */
export function outageSeries(label: string, rows: readonly OutageRow[]): CurveSeries {
  return {
    label,
    x: rows.map((r) => r.pTar),
    y: rows.map((r) => r.outageProbability),
    lo: rows.map((r) => r.ciLow),
    hi: rows.map((r) => r.ciHigh),
  };
}

/**
 * Missed-deadline probability over the deadline (ms) at one p_tar. Rows for other p_tar values are
 * an error rather than silently mixed in: pass the rows of one p_tar.
 */
export function deadlineSeries(label: string, rows: readonly DeadlineRow[]): CurveSeries {
  const p = rows[0]?.pTar;
  if (rows.some((r) => r.pTar !== p))
    throw new ShapeMismatchError(
      `deadlineSeries("${label}"): rows mix several p_tar values; pass the rows of one p_tar`,
    );
  return {
    label,
    x: rows.map((r) => r.deadlineMs),
    y: rows.map((r) => r.missedProbability),
    lo: rows.map((r) => r.ciLow),
    hi: rows.map((r) => r.ciHigh),
  };
}

/**
 * Shares per cascade outcome over p_tar: a sweep row's `exitFractions` are device exits 1…k then
 * the offloaded share, so the names are the k device exits' names plus "offloaded".
 */
export function exitFractionSeries(
  label: string,
  rows: readonly SweepRow[],
  deviceExitNames: readonly string[],
): ExitFractionSeries {
  return {
    label,
    x: rows.map((r) => r.pTar),
    exitNames: [...deviceExitNames, 'offloaded'],
    fractions: rows.map((r) => r.exitFractions),
  };
}
