import { formatDuration } from '../train/progress';

/**
 * Progress of a long synchronous loop on stderr: silent for the first `quietMs` (short runs print
 * nothing), then one line at most every `everyMs` with the count done and the ETA from the rate so
 * far. `now` is injectable for tests.
 */
export function progressReporter(
  label: string,
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
  opts: { quietMs?: number; everyMs?: number; now?: () => number } = {},
): (done: number, total: number) => void {
  const now = opts.now ?? Date.now;
  const quietMs = opts.quietMs ?? 2000;
  const everyMs = opts.everyMs ?? 5000;
  const start = now();
  let last = -Infinity;
  return (done, total) => {
    const t = now();
    const elapsed = t - start;
    if (elapsed < quietMs || (t - last < everyMs && done < total)) return;
    if (done === total && last === -Infinity) return; // finished before the first line: nothing to report
    last = t;
    const eta = ((total - done) * elapsed) / Math.max(done, 1) / 1000;
    write(
      `${label}: ${done}/${total} (${Math.round((100 * done) / total)}%), ${done < total ? `ETA ${formatDuration(eta)}` : `done in ${formatDuration(elapsed / 1000)}`}`,
    );
  };
}
