/**
 * The one table formatter: how a cell becomes text (one spelling of a missing value), CSV fields,
 * and right-aligned plain-text tables. The CLI, reports and notebook displays all lay out their
 * tables with these.
 */

/** How every table, report and display spells a missing value (null, undefined, NaN). */
export const MISSING = 'n/a';

/** A number with fixed decimals; null/NaN → {@link MISSING}. */
export function fmtNum(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? MISSING : v.toFixed(digits);
}

/** Percent with `digits` decimals ("7.82%"); null/NaN → {@link MISSING}. */
export function fmtPct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? MISSING : `${(100 * v).toFixed(digits)}%`;
}

/** Percentage points with sign ("+3.1 pp"); null/NaN → {@link MISSING}. */
export function fmtPp(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v)
    ? MISSING
    : `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(digits)} pp`;
}

/**
 * Any cell as text: integers as-is, other finite numbers with `digits` decimals, ±Infinity as is,
 * arrays joined with ", ", null/undefined/NaN → {@link MISSING}.
 */
export function formatCell(v: unknown, digits = 4): string {
  if (v === null || v === undefined) return MISSING;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? MISSING : String(v);
    return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  }
  if (Array.isArray(v)) return v.map((x) => formatCell(x, digits)).join(', ');
  return String(v);
}

/** One CSV field: quoted when it holds a comma, quote or newline; numbers at full precision; missing → empty. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = Array.isArray(v) ? v.join(';') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text (header + rows) from row objects; columns = `columns` or the keys of the first row. */
export function toCsv(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  return (
    [cols.map(csvField).join(','), ...rows.map((r) => cols.map((c) => csvField(r[c])).join(','))].join('\n') + '\n'
  );
}

/**
 * Right-aligned plain-text table: header, a dashed rule (unless `rule: false`), then the rows
 * (cells already text), each line ending in a newline.
 */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: { rule?: boolean } = {},
): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (vals: readonly string[]) => vals.map((v, j) => v.padStart(widths[j])).join('  ');
  const rule = (opts.rule ?? true) ? [line(widths.map((w) => '-'.repeat(w)))] : [];
  return [line(header), ...rule, ...rows.map(line)].join('\n') + '\n';
}
