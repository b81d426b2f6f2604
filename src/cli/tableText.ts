import { csvField, MISSING, textTable } from '../util/tableFormat';

/** A table column: a header and how to read one cell from a row. */
export interface Column<R> {
  /** Header in the human-readable table. */
  header: string;
  /** Header in CSV (default: `header`); CSV headers follow the JSON field names. */
  key?: string;
  value: (row: R) => number | string | boolean | null;
  /** Decimals in the human-readable table (default 4); CSV always prints full precision. */
  digits?: number;
}

function cellText(v: number | string | boolean | null, digits: number | undefined): string {
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return MISSING;
  return typeof v === 'number' ? v.toFixed(digits ?? 4) : String(v);
}

/** Right-aligned plain-text table (what the CLI prints by default). */
export function formatTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  return textTable(
    columns.map((c) => c.header),
    rows.map((r) => columns.map((c) => cellText(c.value(r), c.digits))),
  );
}

/** CSV with a header row; numbers at full precision, null as an empty field, strings quoted when needed. */
export function formatCsv<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const out = [columns.map((c) => csvField(c.key ?? c.header)).join(',')];
  for (const r of rows) out.push(columns.map((c) => csvField(c.value(r))).join(','));
  return out.join('\n') + '\n';
}
