import * as fs from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { RecordFormatError } from '../errors';
import { stageFile } from '../util/atomicWrite';
import { readProblem } from '../util/readJson';
import type { ExitRecords, FloatArray, RecordsSidecar } from './types';
import { parseLabelCell, parseLogitCell } from './numberSyntax';
import {
  bufferSource,
  fileSource,
  gzipSource,
  isGzip,
  lastNonBlankLine,
  scanLines,
  type ChunkSource,
} from './lineSource';

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
    throw new RecordFormatError(
      `${file}: first column must be "label", found ${JSON.stringify((header[0] ?? '').slice(0, 40))} (expected a plain-text exit-records CSV)`,
    );
  }
  let numExits = 0;
  let numClasses = 0;
  for (let j = 1; j < header.length; j++) {
    const m = HEADER_RE.exec(header[j]);
    if (!m)
      throw new RecordFormatError(
        `${file}: column ${j + 1} ${JSON.stringify(header[j].slice(0, 40))} is not of the form exitI_logitK`,
      );
    numExits = Math.max(numExits, Number(m[1]));
    numClasses = Math.max(numClasses, Number(m[2]) + 1);
  }
  if (numExits === 0) throw new RecordFormatError(`${file}: header has no exitI_logitK columns`);
  if (numClasses < 2) {
    throw new RecordFormatError(
      `${file}: header has ${numClasses} class per exit (exitI_logit0 only); records need ≥ 2 classes (exitI_logit0, exitI_logit1, …)`,
    );
  }
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

/** A cell quoted for an error message: short, and with control bytes escaped (binary input). */
function shown(cell: string): string {
  const s = cell.length > 40 ? `${cell.slice(0, 40)}…` : cell;
  return JSON.stringify(s);
}

/**
 * Parse exit records from a chunked byte source in two passes: the first counts rows (bytes only),
 * the second parses each line straight into exactly-sized typed arrays, so memory is the arrays
 * plus one line. Checks every row: field count, label a decimal integer in [0, C), logits decimal
 * floats with |z| ≤ MAX_ABS_LOGIT. Throws RecordFormatError naming the file, line and column.
 */
export function parseRecordsSource(source: ChunkSource, file = '<records>'): ExitRecords {
  const lastLine = lastNonBlankLine(source);
  if (lastLine === 0)
    throw new RecordFormatError(`${file}: file is empty (expected a header row label,exit1_logit0,…)`);
  let header: string[] = [];
  let numExits = 0;
  let C = 0;
  let width = 0;
  const n = lastLine - 1;
  let labels = new Int32Array(0);
  let logits: Float64Array[] = [];
  const cell = { value: 0 };
  scanLines(source, file, (line, lineNo) => {
    if (lineNo === 1) {
      header = line.split(',').map((s) => s.trim());
      ({ numExits, numClasses: C } = parseRecordsHeader(header, file));
      if (n === 0) throw new RecordFormatError(`${file}: header only, no sample rows`);
      width = header.length;
      labels = new Int32Array(n);
      logits = Array.from({ length: numExits }, () => new Float64Array(n * C));
      return true;
    }
    const i = lineNo - 2;
    const fields = line.split(',');
    if (fields.length !== width) {
      throw new RecordFormatError(
        `${file}: line ${lineNo} has ${fields.length} fields, expected ${width} (ragged row)`,
      );
    }
    const label = parseLabelCell(fields[0]);
    if (label === null || label >= C) {
      throw new RecordFormatError(
        `${file}: line ${lineNo}: label ${shown(fields[0])} is not an integer in [0, ${C - 1}] (decimal digits only)`,
      );
    }
    labels[i] = label;
    let j = 1;
    const base = i * C;
    for (let e = 0; e < numExits; e++) {
      const row = logits[e];
      for (let k = 0; k < C; k++, j++) {
        const why = parseLogitCell(fields[j], cell);
        if (why !== null) {
          throw new RecordFormatError(`${file}: line ${lineNo}, column ${header[j]}: ${shown(fields[j])} ${why}`);
        }
        row[base + k] = cell.value;
      }
    }
    return lineNo < lastLine;
  });
  return { numSamples: n, numClasses: C, numExits, labels, logits };
}

/** Parse exit records from CSV text (see `parseRecordsSource`). */
export function parseRecordsCsv(text: string, file = '<records>'): ExitRecords {
  return parseRecordsSource(bufferSource(Buffer.from(text, 'utf8')), file);
}

/** The byte source of a records file: plain CSV streamed, gzip (by magic number, any name) decompressed. */
function recordsSource(csvPath: string): ChunkSource {
  let st: fs.Stats;
  try {
    st = fs.statSync(csvPath);
  } catch (err) {
    const why = readProblem(err);
    throw new RecordFormatError(
      `${csvPath}: ${why === 'not found' ? 'file not found' : why} (expected an exit-records CSV)`,
      { cause: err },
    );
  }
  if (st.isDirectory())
    throw new RecordFormatError(`${csvPath}: is a directory (expected an exit-records CSV file, e.g. records/val.csv)`);
  if (!st.isFile()) throw new RecordFormatError(`${csvPath}: is not a regular file (expected an exit-records CSV)`);
  const head = Buffer.alloc(2);
  let fd: number;
  try {
    fd = fs.openSync(csvPath, 'r');
  } catch (err) {
    throw new RecordFormatError(`${csvPath}: ${readProblem(err)} (expected a readable exit-records CSV)`, {
      cause: err,
    });
  }
  try {
    fs.readSync(fd, head, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  return isGzip(head)
    ? gzipSource(csvPath, (first, complete) => checkHeaderStart(first, complete, csvPath))
    : fileSource(csvPath);
}

/**
 * The first line of a gzip records file, checked before the rest is decompressed: a complete
 * line must be the contract's header; a longer one must at least start like one.
 */
function checkHeaderStart(first: string, complete: boolean, file: string): void {
  if (complete) {
    parseRecordsHeader(
      first.split(',').map((c) => c.trim()),
      file,
    );
    return;
  }
  // A short prefix (a truncated file) is judged by the full decompression that follows.
  const start = 'label,exit1_logit0,';
  if (!first.startsWith(start) && !start.startsWith(first)) {
    throw new RecordFormatError(
      `${file}: the decompressed data does not start with a records header "label,exit1_logit0,…" (found ${JSON.stringify(first.slice(0, 40))})`,
    );
  }
}

/** Sidecar path for a records CSV: FILE.csv → FILE.json. */
export function sidecarPath(csvPath: string): string {
  return csvPath.replace(/\.csv(\.gz)?$/i, '') + '.json';
}

/** A source that feeds every byte of its first full pass to `hash` (the parser's first pass reads it all). */
function hashingSource(source: ChunkSource, hash: Hash): ChunkSource {
  let passes = 0;
  return (visit) => {
    const first = passes++ === 0;
    source((chunk) => {
      if (first) hash.update(chunk);
      visit(chunk);
    });
  };
}

/**
 * Read a records CSV and, when present, its JSON sidecar. The CSV alone is enough for every
 * analysis; the sidecar adds per-exit costs and provenance. A sidecar that records the CSV's
 * digest (`csvSha256`, written by `writeRecords`) must match the CSV: a pair left half-replaced
 * by a crash, or a CSV edited after its sidecar was written, is refused rather than read with
 * another file's costs. Sidecars without a digest (written before it existed) are read as before.
 */
export function readRecords(csvPath: string): ExitRecords {
  const side = sidecarPath(csvPath);
  const hasSidecar = side !== csvPath && fs.existsSync(side);
  const hash = createHash('sha256');
  const source = recordsSource(csvPath);
  const records = parseRecordsSource(hasSidecar ? hashingSource(source, hash) : source, csvPath);
  if (!hasSidecar) return records;
  const meta = readSidecar(side);
  if (meta.numClasses !== records.numClasses || meta.exitNames.length !== records.numExits) {
    throw new RecordFormatError(
      `${side}: sidecar says ${meta.exitNames.length} exits × ${meta.numClasses} classes, ` +
        `but ${csvPath} has ${records.numExits} exits × ${records.numClasses} classes`,
    );
  }
  if (meta.csvSha256 !== undefined) {
    const digest = hash.digest('hex');
    if (meta.csvSha256 !== digest) {
      throw new RecordFormatError(
        `${side}: sidecar belongs to another version of ${csvPath} (field "csvSha256" is ${meta.csvSha256.slice(0, 12)}…, ` +
          `the CSV's sha256 is ${digest.slice(0, 12)}…); the pair was not replaced together: rerun eecal infer to write both`,
      );
    }
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
  if (m.format !== 'eecal-exit-records')
    throw new RecordFormatError(`${file}: field "format" must be "eecal-exit-records"`);
  if (m.version !== 1) throw new RecordFormatError(`${file}: field "version": expected 1, found ${String(m.version)}`);
  if (!Number.isInteger(m.numClasses)) throw new RecordFormatError(`${file}: field "numClasses" must be an integer`);
  if (!Array.isArray(m.exitNames))
    throw new RecordFormatError(`${file}: field "exitNames" must be an array of strings`);
  if (m.csvSha256 !== undefined && (typeof m.csvSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.csvSha256))) {
    throw new RecordFormatError(
      `${file}: field "csvSha256" must be 64 lowercase hex digits (the sha256 of the CSV beside it)`,
    );
  }
  return m as RecordsSidecar;
}

/** Format logits compactly but losslessly enough for float32 (9 significant digits). */
function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(9).replace(/\.?0+(e|$)/, '$1');
}

/** Emit the CSV text in pieces of about `rowsPerPiece` rows (records larger than a JS string). */
export function formatRecordsPieces(records: ExitRecords, emit: (piece: string) => void, rowsPerPiece = 4096): void {
  const { numSamples: n, numClasses: C, numExits: E } = records;
  emit(recordsHeader(E, C).join(',') + '\n');
  for (let start = 0; start < n; start += rowsPerPiece) {
    const out: string[] = [];
    for (let i = start; i < Math.min(n, start + rowsPerPiece); i++) {
      const row: string[] = [String(records.labels[i])];
      for (let e = 0; e < E; e++) {
        const l: FloatArray = records.logits[e];
        for (let k = 0; k < C; k++) row.push(fmt(l[i * C + k]));
      }
      out.push(row.join(','));
    }
    emit(out.join('\n') + '\n');
  }
}

/** Serialise records to CSV text in the contract's layout. */
export function formatRecordsCsv(records: ExitRecords): string {
  const pieces: string[] = [];
  formatRecordsPieces(records, (p) => pieces.push(p));
  return pieces.join('');
}

/**
 * Write records and their sidecar (when `records.meta` is set) as a pair: both are written in
 * full to temporary files first (a full disk fails here, replacing nothing), the sidecar records
 * the CSV's sha256 (`csvSha256`), then the sidecar and the CSV are renamed into place. A crash
 * between the two renames leaves a new sidecar beside the old CSV, which `readRecords` refuses
 * by the digest. Records without meta remove a sidecar left from an earlier write: it described
 * another CSV.
 */
export function writeRecords(csvPath: string, records: ExitRecords): void {
  const side = sidecarPath(csvPath);
  const hash = createHash('sha256');
  const csv = stageFile(
    csvPath,
    (write) => formatRecordsPieces(records, write),
    (chunk) => hash.update(chunk),
  );
  if (!records.meta) {
    try {
      if (side !== csvPath) fs.rmSync(side, { force: true });
    } catch (err) {
      csv.discard();
      throw err;
    }
    csv.commit();
    return;
  }
  let meta: ReturnType<typeof stageFile>;
  try {
    meta = stageFile(side, JSON.stringify({ ...records.meta, csvSha256: hash.digest('hex') }, null, 2) + '\n');
  } catch (err) {
    csv.discard();
    throw err;
  }
  try {
    meta.commit();
  } catch (err) {
    csv.discard();
    throw err;
  }
  csv.commit();
}
