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

function cellText(v: number | string | boolean | null, digits: number | undefined, exact: boolean): string {
  if (v === null) return exact ? '' : '—';
  if (typeof v === 'number') {
    return exact ? String(v) : v.toFixed(digits ?? 4);
  }
  return String(v);
}

/** Right-aligned plain-text table (what the CLI prints by default). */
export function formatTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(c.value(r), c.digits, false)));
  const widths = columns.map((c, j) => Math.max(c.header.length, ...cells.map((row) => row[j].length)));
  const line = (vals: string[]) => vals.map((v, j) => v.padStart(widths[j])).join('  ');
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** CSV with a header row; numbers at full precision, null as an empty field, strings quoted when needed. */
export function formatCsv<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const out = [columns.map((c) => esc(c.key ?? c.header)).join(',')];
  for (const r of rows) out.push(columns.map((c) => esc(cellText(c.value(r), undefined, true))).join(','));
  return out.join('\n') + '\n';
}
