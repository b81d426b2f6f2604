import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordFormatError } from '../errors';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite';
import { readJsonFile } from '../util/readJson';
import type { ExitRecords } from './types';

/**
 * Measured records: what `eecal testbed` writes, one row per (calibration method, p_tar, image) that
 * went through a real edge (and cloud). The timing counterpart of the exit records: instead of
 * logits, the answer and how long each part of it took.
 *
 * CSV columns, in this order (E = number of exits, k = device exits):
 *   sample       row of the split's exit records (the order of `eecal infer --split <split>`)
 *   label        true class
 *   exit         1-based exit that answered (E = the final exit)
 *   prediction   predicted class
 *   confidence   the answering exit's confidence (calibrated when method ≠ none)
 *   fallback     1 when the cloud failed or timed out and a device exit answered (an outage event)
 *   offloaded    1 when the edge sent the split tensor to the cloud
 *   method       calibration method ("none" = raw max-softmax)
 *   p_tar        confidence target of that request
 *   decode_ms    image decoding and normalisation on the edge
 *   exit1_ms … exitk_ms   device compute of stage j (0 when the stage did not run)
 *   device_ms    sum of the device stages run
 *   serialize_ms encoding the split tensor (0 when not offloaded)
 *   upload_ms    edge↔cloud round trip minus cloud compute (0 when not offloaded)
 *   cloud_ms     cloud compute as the cloud measured it
 *   edge_ms      request arrival at the edge → answer decided
 *   total_ms     the end node's request → response time (what a user waits)
 * The sidecar (same name, .json) says where and how it was measured (`MeasuredSidecar`).
 */

export interface MeasuredRow {
  sample: number;
  label: number;
  exit: number;
  prediction: number;
  confidence: number;
  fallback: boolean;
  offloaded: boolean;
  method: string;
  pTar: number;
  /** Timing columns by name (every name ends in _ms). */
  ms: Record<string, number>;
}

/** Where, how and on what a testbed run measured. */
export interface MeasuredSidecar {
  format: 'eecal-measured-records';
  version: 1;
  eecalVersion: string;
  createdAt: string;
  /** Model as the edge reported it. */
  model: { architecture: string; digest: string; exits: number; edgeExits: number };
  dataset: string;
  split: string;
  edge: string;
  cloud: string;
  /** Split tensor encoding on the wire. */
  wire: string;
  /** Who answers an offloaded sample (final | most-confident). */
  offloadAnswer: string;
  /** How requests were sent: batch 1 one at a time, a fixed concurrency, or a rate. */
  load: { concurrency: number; ratePerSecond: number | null };
  /**
   * The link between edge and cloud as configured by whoever ran it (e.g. testbed-net.sh): rate in
   * Mbit/s and any configured (not measured) propagation delay; null when not stated.
   */
  link: { uplinkMbps: number | null; configuredDelayMs: number | null; note: string | null };
  /** The machine(s) it ran on. */
  machine: Record<string, unknown>;
  /** Timing column names in CSV order. */
  timingColumns: string[];
  numRows: number;
  /** False while a run is still going or was stopped: `eecal testbed --resume` measures the rest. */
  complete?: boolean;
}

/** The CSV path's sidecar: x.csv → x.json. */
export const measuredSidecarPath = (csv: string): string => csv.replace(/\.csv$/, '') + '.json';

/** Timing columns for k device exits, in CSV order. */
export function timingColumns(edgeExits: number): string[] {
  return [
    'decode_ms',
    ...Array.from({ length: edgeExits }, (_, j) => `exit${j + 1}_ms`),
    'device_ms',
    'serialize_ms',
    'upload_ms',
    'cloud_ms',
    'edge_ms',
    'total_ms',
  ];
}

const FIXED = ['sample', 'label', 'exit', 'prediction', 'confidence', 'fallback', 'offloaded', 'method', 'p_tar'];

/** CSV text of measured rows (method names must not contain commas or quotes). */
export function formatMeasuredCsv(rows: readonly MeasuredRow[], timing: readonly string[]): string {
  const lines = [[...FIXED, ...timing].join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.sample,
        r.label,
        r.exit,
        r.prediction,
        r.confidence,
        r.fallback ? 1 : 0,
        r.offloaded ? 1 : 0,
        r.method,
        r.pTar,
        ...timing.map((c) => Number((r.ms[c] ?? 0).toFixed(4))),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** Write the CSV and its sidecar atomically. */
export function writeMeasuredRecords(csv: string, rows: readonly MeasuredRow[], meta: MeasuredSidecar): void {
  for (const r of rows)
    if (/[",\n]/.test(r.method))
      throw new RecordFormatError(
        `method "${r.method}": names in measured records cannot hold commas, quotes or newlines`,
      );
  writeFileAtomic(csv, formatMeasuredCsv(rows, meta.timingColumns));
  writeJsonAtomic(measuredSidecarPath(csv), meta);
}

/** Parse measured-records CSV text; errors name the file, line and column. */
export function parseMeasuredCsv(text: string, file: string): MeasuredRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0)
    throw new RecordFormatError(`${file}: file is empty (expected a header ${FIXED.join(',')},…_ms)`);
  const header = lines[0].split(',').map((s) => s.trim());
  const col = new Map(header.map((h, j) => [h, j]));
  for (const f of FIXED)
    if (!col.has(f))
      throw new RecordFormatError(`${file}: missing column "${f}" (expected measured records from eecal testbed)`);
  const timing = header.filter((h) => h.endsWith('_ms'));
  const num = (fields: string[], name: string, line: number, check: (v: number) => boolean, what: string): number => {
    const raw = fields[col.get(name) as number];
    const v = Number(raw);
    if (raw === undefined || raw.trim() === '' || !Number.isFinite(v) || !check(v))
      throw new RecordFormatError(`${file}: line ${line}, column ${name}: "${raw}" is not ${what}`);
    return v;
  };
  const isInt = (v: number) => Number.isInteger(v) && v >= 0;
  return lines.slice(1).map((l, i) => {
    const line = i + 2;
    const f = l.split(',');
    if (f.length !== header.length)
      throw new RecordFormatError(`${file}: line ${line} has ${f.length} fields, expected ${header.length}`);
    const ms: Record<string, number> = {};
    for (const t of timing) ms[t] = num(f, t, line, (v) => v >= 0, 'a time ≥ 0 in ms');
    return {
      sample: num(f, 'sample', line, isInt, 'an integer ≥ 0'),
      label: num(f, 'label', line, isInt, 'an integer ≥ 0'),
      exit: num(f, 'exit', line, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1'),
      prediction: num(f, 'prediction', line, isInt, 'an integer ≥ 0'),
      confidence: num(f, 'confidence', line, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
      fallback: num(f, 'fallback', line, (v) => v === 0 || v === 1, '0 or 1') === 1,
      offloaded: num(f, 'offloaded', line, (v) => v === 0 || v === 1, '0 or 1') === 1,
      method: f[col.get('method') as number].trim(),
      pTar: num(f, 'p_tar', line, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
      ms,
    };
  });
}

/** Read measured records (and their sidecar when present). */
export function readMeasuredRecords(csv: string): { rows: MeasuredRow[]; meta: MeasuredSidecar | null } {
  if (!fs.existsSync(csv))
    throw new RecordFormatError(`${csv}: file not found (expected measured records from eecal testbed)`);
  const rows = parseMeasuredCsv(fs.readFileSync(csv, 'utf8'), csv);
  const side = measuredSidecarPath(csv);
  const meta = fs.existsSync(side) ? (readJsonFile(side, 'the sidecar of measured records') as MeasuredSidecar) : null;
  if (meta && meta.format !== 'eecal-measured-records')
    throw new RecordFormatError(`${side}: field "format" must be "eecal-measured-records"`);
  return { rows, meta };
}

/** The exit records of the given samples only (rows in that order), e.g. those a testbed run measured. */
export function recordsSubset(records: ExitRecords, samples: Int32Array, file = 'records'): ExitRecords {
  const C = records.numClasses;
  const labels = new Int32Array(samples.length);
  const logits = records.logits.map(() => new Float64Array(samples.length * C));
  samples.forEach((s, i) => {
    if (!(s >= 0 && s < records.numSamples))
      throw new RecordFormatError(
        `${file}: measured sample ${s} is not a row of the records (they have ${records.numSamples})`,
      );
    labels[i] = records.labels[s];
    records.logits.forEach((l, e) => logits[e].set(l.subarray(s * C, (s + 1) * C), i * C));
  });
  return { numSamples: samples.length, numClasses: C, numExits: records.numExits, labels, logits, meta: records.meta };
}

/** One testbed run: its measured rows and sidecar (which must state the uplink rate). */
export interface MeasuredRun {
  /** Folder name (e.g. "3g") or the CSV's folder. */
  name: string;
  csv: string;
  rows: MeasuredRow[];
  meta: MeasuredSidecar & { link: { uplinkMbps: number } };
}

/**
 * The runs of a testbed output folder: DIR/measured.csv (one run) or DIR/<name>/measured.csv (one
 * per uplink rate, as scripts/testbed-net.sh --uplink all writes), sorted by uplink rate.
 */
export function readMeasuredRuns(dir: string): MeasuredRun[] {
  const open = (name: string, csv: string): MeasuredRun => {
    const { rows, meta } = readMeasuredRecords(csv);
    if (!meta)
      throw new RecordFormatError(
        `${csv}: its sidecar (${path.basename(measuredSidecarPath(csv))}) is missing; it states the run's uplink rate`,
      );
    if (!(typeof meta.link?.uplinkMbps === 'number' && meta.link.uplinkMbps > 0))
      throw new RecordFormatError(
        `${measuredSidecarPath(csv)}: field "link.uplinkMbps" must be the run's uplink rate in Mbit/s (eecal testbed --uplink-mbps)`,
      );
    return { name, csv, rows, meta: meta as MeasuredRun['meta'] };
  };
  if (fs.existsSync(path.join(dir, 'measured.csv')))
    return [open(path.basename(path.resolve(dir)), path.join(dir, 'measured.csv'))];
  if (!fs.existsSync(dir))
    throw new RecordFormatError(`${dir}: not found (expected the output folder of eecal testbed)`);
  const runs = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'measured.csv')))
    .map((d) => open(d.name, path.join(dir, d.name, 'measured.csv')));
  if (runs.length === 0)
    throw new RecordFormatError(
      `${dir}: no measured.csv in it or in its sub-folders (expected the output folder of eecal testbed)`,
    );
  return runs.sort((a, b) => a.meta.link.uplinkMbps - b.meta.link.uplinkMbps);
}
