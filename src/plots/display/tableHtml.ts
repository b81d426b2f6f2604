/**
 * A table as an HTML fragment, from the column/row view every DataFrame library exposes
 * (danfojs `df.columns`, `df.values`, `df.index`), so this module needs no DataFrame import.
 */
export interface TableLike {
  columns: readonly string[];
  /** Row-major cell values. */
  values: readonly (readonly unknown[])[];
  /** Row labels; omitted → no index column. */
  index?: readonly (string | number)[];
}

/** Options of {@link tableHtml}. */
export interface TableHtmlOptions {
  /** Decimals for non-integer numbers (default 4). */
  digits?: number;
  caption?: string;
  /** Show the index column (default false). */
  showIndex?: boolean;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Cells are written by the one table formatter (one spelling of a missing value).
export { formatCell } from '../../util/tableFormat';
import { formatCell } from '../../util/tableFormat';
import { ShapeMismatchError } from '../../errors';

/** An HTML `<table>` with right-aligned numbers, for `display.html` in a notebook or a report. */
export function tableHtml(t: TableLike, opts: TableHtmlOptions = {}): string {
  const digits = opts.digits ?? 4;
  const showIndex = (opts.showIndex ?? false) && t.index !== undefined;
  t.values.forEach((row, i) => {
    if (row.length !== t.columns.length)
      throw new ShapeMismatchError(
        `tableHtml: row ${i} has ${row.length} cells, expected ${t.columns.length} (${t.columns.join(', ')})`,
      );
  });
  const th = (s: string) => `<th style="text-align:right;padding:2px 8px">${escapeHtml(s)}</th>`;
  const td = (v: unknown) =>
    `<td style="text-align:${typeof v === 'number' ? 'right' : 'left'};padding:2px 8px">${escapeHtml(formatCell(v, digits))}</td>`;
  const head = `<tr>${showIndex ? th('') : ''}${t.columns.map(th).join('')}</tr>`;
  const body = t.values
    .map(
      (row, i) =>
        `<tr>${showIndex ? `<th style="padding:2px 8px">${escapeHtml(String(t.index![i]))}</th>` : ''}${row.map(td).join('')}</tr>`,
    )
    .join('\n');
  const caption = opts.caption
    ? `<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(opts.caption)}</caption>`
    : '';
  return `<table style="border-collapse:collapse;font-family:monospace">${caption}\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Column/row view of plain row objects (column order = keys of the first row, then new keys). */
export function rowsToTable(rows: readonly object[]): TableLike {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return { columns, values: rows.map((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null)) };
}
