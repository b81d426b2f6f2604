import * as path from 'node:path';
import type { ClaimsSource } from '../notebookStore/notebookClaims';

const shown = (f: string) => path.relative(process.cwd(), f).split(path.sep).join('/') || '.';
const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const count = (n: number) => n.toLocaleString('en-US');

/**
 * One italic line per source group ("Verdicts of TS per exit: from ../results/m/report.json,
 * B = 1,000, computed 2025-01-01 12:00 UTC."), then the reports not used and why.
 * @param reportReplicates - B of the reproduction, to say how to get its verdicts when fewer were used.
 */
export function claimsNote(
  sources: readonly ClaimsSource[],
  skippedReports: ReadonlyArray<{ file: string; why: string }>,
  reportReplicates: number,
): string {
  const groups = new Map<string, ClaimsSource[]>();
  for (const s of sources) {
    const where =
      s.kind === 'report'
        ? `from \`${shown(s.file as string)}\``
        : s.kind === 'cache'
          ? `from the cache in \`${shown(path.dirname(s.file as string))}/\``
          : 'computed now';
    const g = `${where}, B = ${count(s.replicates)}, computed ${when(s.computed)}${s.tookMs !== undefined ? ` in ${(s.tookMs / 1000).toFixed(1)} s (refitted on every replicate; not cached)` : ''}`;
    groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  const lines = [...groups].map(
    ([g, ss]) =>
      `*Verdicts of ${ss.map((s) => s.label).join(', ')}: ${g}${ss[0].kind === 'computed' && ss[0].file ? ` (cached in \`${shown(path.dirname(ss[0].file))}/\` for reruns)` : ''}.*`,
  );
  for (const s of skippedReports) lines.push(`*\`${shown(s.file)}\` not used: it ${s.why}.*`);
  if (sources.some((s) => s.kind !== 'report' && s.replicates < reportReplicates)) {
    lines.push(
      `*The reproduction judges with B = ${count(reportReplicates)}: after \`eecal reproduce\` on these records, this cell shows its verdicts.*`,
    );
  }
  return lines.join('\n\n');
}
