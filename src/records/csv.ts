import * as fs from 'node:fs';
import { RecordFormatError } from '../errors';
import { writeFileAtomic } from '../util/atomicWrite';
import type { ExitRecords, FloatArray, RecordsSidecar } from './types';

const HEADER_RE = /^exit(\d+)_logit(\d+)$/;

/** Column names for E exits and C classes, in the contract's order. */
export function recordsHeader(numExits: number, numClasses: number): string[] {
  const cols = ['label'];
  for (let e = 1; e <= numExits; e++) for (let k = 0; k < numClasses; k++) cols.push(`exit${e}_logit${k}`);
  return cols;
}

/** Infer (E, C) from a header row and check that it is exactly the contract's layout. */
export function parseRecordsHeader(header: string[], file: string): { numExits: number; numClasses: number } {
  if (header[0] !== 'label') {
    throw new RecordFormatError(`${file}: first column must be "label", found "${header[0] ?? ''}"`);
  }
  let numExits = 0;
  let numClasses = 0;
  for (let j = 1; j < header.length; j++) {
    const m = HEADER_RE.exec(header[j]);
    if (!m) throw new RecordFormatError(`${file}: column ${j + 1} "${header[j]}" is not of the form exitI_logitK`);
    numExits = Math.max(numExits, Number(m[1]));
    numClasses = Math.max(numClasses, Number(m[2]) + 1);
  }
  if (numExits === 0) throw new RecordFormatError(`${file}: header has no exitI_logitK columns`);
  const expected = recordsHeader(numExits, numClasses);
  if (expected.length !== header.length || expected.some((c, j) => c !== header[j])) {
    const j = expected.findIndex((c, i) => c !== header[i]);
    throw new RecordFormatError(
      `${file}: expected ${expected.length} columns label,exit1_logit0…exit${numExits}_logit${numClasses - 1} ` +
        `in order; column ${j + 1} is "${header[j] ?? '(missing)'}", expected "${expected[j]}"`,
    );
  }
  return { numExits, numClasses };
}

/**
 * Parse exit records from CSV text. Checks every row: field count, integer label in [0, C),
 * finite logits. Throws RecordFormatError naming the file, line and column.
 */
export function parseRecordsCsv(text: string, file = '<records>'): ExitRecords {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new RecordFormatError(`${file}: file is empty (expected a header row label,exit1_logit0,…)`);
  const header = lines[0].split(',').map((s) => s.trim());
  const { numExits, numClasses } = parseRecordsHeader(header, file);
  const n = lines.length - 1;
  if (n === 0) throw new RecordFormatError(`${file}: header only, no sample rows`);
  const C = numClasses;
  const labels = new Int32Array(n);
  const logits: Float64Array[] = [];
  for (let e = 0; e < numExits; e++) logits.push(new Float64Array(n * C));
  const width = header.length;
  for (let i = 0; i < n; i++) {
    const line = lines[i + 1];
    const fields = line.split(',');
    if (fields.length !== width) {
      throw new RecordFormatError(`${file}: line ${i + 2} has ${fields.length} fields, expected ${width} (ragged row)`);
    }
    const label = Number(fields[0]);
    if (!Number.isInteger(label) || label < 0 || label >= C) {
      throw new RecordFormatError(`${file}: line ${i + 2}: label "${fields[0]}" is not an integer in [0, ${C - 1}]`);
    }
    labels[i] = label;
    let j = 1;
    for (let e = 0; e < numExits; e++) {
      const row = logits[e];
      const base = i * C;
      for (let k = 0; k < C; k++, j++) {
        const v = Number(fields[j]);
        if (!Number.isFinite(v) || fields[j].trim() === '') {
          throw new RecordFormatError(
            `${file}: line ${i + 2}, column ${header[j]}: "${fields[j]}" is not a finite number (NaN/Inf logits cannot be calibrated)`,
          );
        }
        row[base + k] = v;
      }
    }
  }
  return { numSamples: n, numClasses: C, numExits, labels, logits };
}

/** Sidecar path for a records CSV: FILE.csv → FILE.json. */
export function sidecarPath(csvPath: string): string {
  return csvPath.replace(/\.csv$/i, '') + '.json';
}

/**
 * Read a records CSV and, when present, its JSON sidecar. The CSV alone is enough for every
 * analysis; the sidecar adds per-exit costs and provenance.
 */
export function readRecords(csvPath: string): ExitRecords {
  if (!fs.existsSync(csvPath)) throw new RecordFormatError(`${csvPath}: file not found (expected an exit-records CSV)`);
  const records = parseRecordsCsv(fs.readFileSync(csvPath, 'utf8'), csvPath);
  const side = sidecarPath(csvPath);
  if (side === csvPath || !fs.existsSync(side)) return records;
  const meta = readSidecar(side);
  if (meta.numClasses !== records.numClasses || meta.exitNames.length !== records.numExits) {
    throw new RecordFormatError(
      `${side}: sidecar says ${meta.exitNames.length} exits × ${meta.numClasses} classes, ` +
        `but ${csvPath} has ${records.numExits} exits × ${records.numClasses} classes`,
    );
  }
  return { ...records, meta };
}

/** Read and validate a records sidecar JSON. */
export function readSidecar(file: string): RecordsSidecar {
  let obj: unknown;
  try {
    obj = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RecordFormatError(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const m = obj as Partial<RecordsSidecar>;
  if (m.format !== 'eecal-exit-records') throw new RecordFormatError(`${file}: field "format" must be "eecal-exit-records"`);
  if (m.version !== 1) throw new RecordFormatError(`${file}: field "version": expected 1, found ${String(m.version)}`);
  if (!Number.isInteger(m.numClasses)) throw new RecordFormatError(`${file}: field "numClasses" must be an integer`);
  if (!Array.isArray(m.exitNames)) throw new RecordFormatError(`${file}: field "exitNames" must be an array of strings`);
  return m as RecordsSidecar;
}

/** Format logits compactly but losslessly enough for float32 (9 significant digits). */
function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(9).replace(/\.?0+(e|$)/, '$1');
}

/** Serialise records to CSV text in the contract's layout. */
export function formatRecordsCsv(records: ExitRecords): string {
  const { numSamples: n, numClasses: C, numExits: E } = records;
  const out: string[] = [recordsHeader(E, C).join(',')];
  for (let i = 0; i < n; i++) {
    const row: string[] = [String(records.labels[i])];
    for (let e = 0; e < E; e++) {
      const l: FloatArray = records.logits[e];
      for (let k = 0; k < C; k++) row.push(fmt(l[i * C + k]));
    }
    out.push(row.join(','));
  }
  return out.join('\n') + '\n';
}

/** Write records (and the sidecar, when `records.meta` is set) atomically. */
export function writeRecords(csvPath: string, records: ExitRecords): void {
  writeFileAtomic(csvPath, formatRecordsCsv(records));
  if (records.meta) writeFileAtomic(sidecarPath(csvPath), JSON.stringify(records.meta, null, 2) + '\n');
}
