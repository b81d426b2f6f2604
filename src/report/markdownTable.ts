/**
 * Small text-table writers for reports: GitHub Markdown tables and RFC 4180 CSV. Numbers are
 * formatted by the caller (reports choose percent vs plain per column), so these only lay out text.
 */

/** A Markdown table; `align` per column ('l' | 'r', default right for all but the first). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  rows.forEach((r, i) => {
    if (r.length !== header.length) throw new Error(`markdownTable: row ${i} has ${r.length} cells, header has ${header.length}`);
  });
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const al = header.map((_, j) => align?.[j] ?? (j === 0 ? 'l' : 'r'));
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${al.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** One CSV field: quoted when it holds a comma, quote or newline; numbers printed as-is; null → empty. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = Array.isArray(v) ? v.join(';') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text (header + rows) from row objects; columns = `columns` or the keys of the first row. */
export function toCsv(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  return [cols.map(csvField).join(','), ...rows.map((r) => cols.map((c) => csvField(r[c])).join(','))].join('\n') + '\n';
}

/** Percent with `digits` decimals ("7.82%"); null/NaN → "n/a". */
export function fmtPct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${(100 * v).toFixed(digits)}%`;
}

/** Percentage points with sign ("+3.1 pp"). */
export function fmtPp(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(digits)} pp`;
}

/** Fixed decimals; null/NaN → "n/a". */
export function fmtNum(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);
}
