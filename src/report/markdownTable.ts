import { ShapeMismatchError } from '../errors';
/**
 * GitHub Markdown tables for reports. Numbers are formatted by the caller with util/tableFormat
 * (reports choose percent vs plain per column), so this only lays out text.
 */

/** A Markdown table; `align` per column ('l' | 'r', default right for all but the first). */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
): string {
  rows.forEach((r, i) => {
    if (r.length !== header.length)
      throw new ShapeMismatchError(`markdownTable: row ${i} has ${r.length} cells, header has ${header.length}`);
  });
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const al = header.map((_, j) => align?.[j] ?? (j === 0 ? 'l' : 'r'));
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${al.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

// Cell, number and CSV formatting is the one table formatter's (util/tableFormat.ts).
export { csvField, toCsv, fmtPct, fmtPp, fmtNum } from '../util/tableFormat';
