/**
 * Exit records and long tables as danfojs DataFrames, for the notebook cells where a researcher
 * groups, filters, describes or pivots (danfojs-node is loaded lazily: only notebooks pay its
 * ~1-2 s load). The rows are plain data; DataFrame operations are left to the notebook.
 */
import type { DataFrame } from 'danfojs-node';
import type { ExitRecords } from '../../records/types';
import { ConfigError } from '../../errors';

type Danfo = typeof import('danfojs-node');
const danfo = (): Danfo => require('danfojs-node') as Danfo;

/** One sample at one exit, uncalibrated: what {@link exitRecordsFrame} has one row of. */
export interface ExitSampleRow {
  /** 0-based sample index in the records file. */
  sample: number;
  /** Exit name (sidecar name, else "exit 1" …). */
  exit: string;
  label: number;
  /** argmax of the exit's logits. */
  prediction: number;
  /** Max softmax probability of the exit (uncalibrated). */
  confidence: number;
  /** 1 when the prediction is the label, else 0 (numeric, so `mean` is the accuracy). */
  correct: number;
}

/** Rows of {@link exitRecordsFrame}: exit by exit, sample by sample. */
export function exitSampleRows(records: ExitRecords, exitNames?: readonly string[]): ExitSampleRow[] {
  const { numSamples: n, numClasses: c, labels } = records;
  const rows: ExitSampleRow[] = [];
  records.logits.forEach((z, e) => {
    const exit = exitNames?.[e] ?? `exit ${e + 1}`;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < c; k++) if (z[i * c + k] > z[i * c + best]) best = k;
      // max softmax = 1 / Σ_k exp(z_k − z_max): stable for any logit scale.
      let sum = 0;
      for (let k = 0; k < c; k++) sum += Math.exp(z[i * c + k] - z[i * c + best]);
      rows.push({
        sample: i,
        exit,
        label: labels[i],
        prediction: best,
        confidence: 1 / sum,
        correct: best === labels[i] ? 1 : 0,
      });
    }
  });
  return rows;
}

/**
 * The exit records as a long DataFrame, one row per (sample, exit) with the label, prediction,
 * uncalibrated confidence and correctness: `df.groupby(["exit"]).agg({ confidence: "mean",
 * correct: "mean" })` is each exit's mean confidence against its accuracy.
 */
export function exitRecordsFrame(records: ExitRecords, exitNames?: readonly string[]): DataFrame {
  return new (danfo().DataFrame)(exitSampleRows(records, exitNames) as never);
}

/** Options of {@link pivotFrame}. */
export interface PivotOptions {
  /** Column whose values become the rows (e.g. "exit"). */
  index: string;
  /** Column whose values become the columns (e.g. "method"). */
  columns: string;
  /** Column whose values fill the cells (e.g. "eceAfter"). */
  values: string;
}

/**
 * A long DataFrame pivoted wide (danfojs has no pivot): one row per value of `index` and one column
 * per value of `columns`, both in order of first appearance, cells from `values`; a pair that
 * occurs twice is an error (aggregate first), one that never occurs is null.
 */
export function pivotFrame(df: DataFrame, o: PivotOptions): DataFrame {
  const cols = df.columns as string[];
  for (const name of [o.index, o.columns, o.values]) {
    if (!cols.includes(name)) throw new ConfigError(`pivotFrame: no column "${name}" (columns: ${cols.join(', ')})`);
  }
  const [ri, ci, vi] = [o.index, o.columns, o.values].map((name) => cols.indexOf(name));
  const rowKeys: unknown[] = [];
  const colKeys: unknown[] = [];
  const cells = new Map<unknown, Map<unknown, unknown>>();
  for (const r of df.values as unknown[][]) {
    if (!cells.has(r[ri])) {
      rowKeys.push(r[ri]);
      cells.set(r[ri], new Map());
    }
    if (!colKeys.includes(r[ci])) colKeys.push(r[ci]);
    const row = cells.get(r[ri])!;
    if (row.has(r[ci]))
      throw new ConfigError(
        `pivotFrame: ${o.index} = ${String(r[ri])}, ${o.columns} = ${String(r[ci])} occurs twice; aggregate the frame first`,
      );
    row.set(r[ci], r[vi]);
  }
  const values = rowKeys.map((k) => [k, ...colKeys.map((c) => cells.get(k)!.get(c) ?? null)]);
  return new (danfo().DataFrame)(values as never, { columns: [o.index, ...colKeys.map(String)] });
}
