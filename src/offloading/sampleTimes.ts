import * as fs from 'node:fs';
import { RecordFormatError } from '../errors';
import type { CascadeLatency } from './latencyModel';

/**
 * Inference time of every sample under every cascade outcome, ms: what the missed-deadline
 * simulation averages per batch. Either the parametric model (the same for every sample) or
 * measured per-sample times replayed from a CSV (a testbed run, docs/paper-notes.md#measured-latency).
 */
export interface SampleTimes {
  /** exitMs[j−1][i]: sample i answered at device exit j ≤ k. */
  exitMs: Float64Array[];
  /** offloadMs[i]: sample i offloaded after branch k (device + network + cloud). */
  offloadMs: Float64Array;
}

/** The parametric latency, copied for each of n samples. */
export function constantSampleTimes(lat: CascadeLatency, n: number): SampleTimes {
  return {
    exitMs: lat.exitMs.map((t) => new Float64Array(n).fill(t)),
    offloadMs: new Float64Array(n).fill(lat.offloadMs),
  };
}

const COLUMN_RE = /^(exit|offload)(\d+)_ms$/;

/**
 * Parse measured per-sample times. Layout: a header, then one row per sample in the records' order:
 *   exit1_ms,…,exitB_ms,offload1_ms,…,offloadB_ms
 * `exitJ_ms` = total time when sample i is answered at device exit J; `offloadK_ms` = total time when
 * it is offloaded after K device branches (device + transfer + cloud). Only the columns that the
 * chosen k needs must be present (exitJ for the enabled J ≤ k, offloadk); columns may come in any
 * order. Columns of disabled branches, never read, are zero when absent.
 */
export function parseSampleTimesCsv(
  text: string,
  file: string,
  numSamples: number,
  edgeExits: number,
  disabled: ReadonlySet<number> = new Set(),
): SampleTimes {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0)
    throw new RecordFormatError(`${file}: file is empty (expected a header like exit1_ms,offload1_ms)`);
  const header = lines[0].split(',').map((s) => s.trim());
  const col = new Map<string, number>();
  header.forEach((h, j) => {
    if (!COLUMN_RE.test(h))
      throw new RecordFormatError(`${file}: column ${j + 1} "${h}" is not of the form exitJ_ms or offloadK_ms`);
    if (col.has(h)) throw new RecordFormatError(`${file}: column "${h}" appears twice`);
    col.set(h, j);
  });
  const needed = [...Array.from({ length: edgeExits }, (_, j) => `exit${j + 1}_ms`), `offload${edgeExits}_ms`];
  needed.forEach((name, c) => {
    const optional = c < edgeExits && disabled.has(c + 1);
    if (!col.has(name) && !optional)
      throw new RecordFormatError(`${file}: missing column "${name}" (needed for ${edgeExits} device branches)`);
  });
  const n = lines.length - 1;
  if (n !== numSamples)
    throw new RecordFormatError(
      `${file}: ${n} sample rows, but the records have ${numSamples} samples (rows must align)`,
    );
  const arrays = needed.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const fields = lines[i + 1].split(',');
    if (fields.length !== header.length) {
      throw new RecordFormatError(`${file}: line ${i + 2} has ${fields.length} fields, expected ${header.length}`);
    }
    needed.forEach((name, c) => {
      if (!col.has(name)) return; // a disabled branch's column
      const raw = fields[col.get(name) as number];
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v) || v < 0) {
        throw new RecordFormatError(`${file}: line ${i + 2}, column ${name}: "${raw}" is not a time ≥ 0 in ms`);
      }
      arrays[c][i] = v;
    });
  }
  return { exitMs: arrays.slice(0, edgeExits), offloadMs: arrays[edgeExits] };
}

/** Read a per-sample times CSV (see `parseSampleTimesCsv`). */
export function readSampleTimesCsv(
  file: string,
  numSamples: number,
  edgeExits: number,
  disabled?: ReadonlySet<number>,
): SampleTimes {
  if (!fs.existsSync(file)) throw new RecordFormatError(`${file}: file not found (expected a per-sample times CSV)`);
  return parseSampleTimesCsv(fs.readFileSync(file, 'utf8'), file, numSamples, edgeExits, disabled);
}
