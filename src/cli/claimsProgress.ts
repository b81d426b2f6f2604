import type { ClaimsProgress } from '../study/analysis';

/** How long a stage took or has left, for people: "12 s", "2 min 05 s". */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** One bar line: "[#######.............] claims of TS per exit: 350/1000 replicates, 9 s left". */
export function progressBarLine(label: string, done: number, total: number, etaMs: number, width = 24): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] claims of ${label}: ${done}/${total} replicates, ${done < total ? `${durationText(etaMs)} left` : 'done'}`;
}

/** Where the display writes: a stream that may be a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * The bootstrap's progress on `stream`: on a terminal one bar redrawn in place (with the time
 * left), on anything else (a log file, CI) one line per stage when it is done, so logs stay short.
 * `log` prints a message line, clearing the bar first so the two never mix; `end` clears it.
 */
export function claimsProgressDisplay(stream: ProgressStream): {
  progress: ClaimsProgress;
  log: (msg: string) => void;
  end: () => void;
} {
  let bar = false;
  const clear = () => {
    if (bar) stream.write('\r\x1b[2K');
    bar = false;
  };
  return {
    progress: ({ label, done, total, elapsedMs, etaMs }) => {
      if (stream.isTTY) {
        const line = progressBarLine(label, done, total, etaMs);
        stream.write(`\r\x1b[2K${stream.columns ? line.slice(0, stream.columns - 1) : line}`);
        bar = true;
        if (done >= total) {
          stream.write('\n');
          bar = false;
        }
      } else if (done >= total) {
        stream.write(`claims of ${label}: ${total} replicates in ${durationText(elapsedMs)}\n`);
      }
    },
    log: (msg) => {
      clear();
      stream.write(`${msg}\n`);
    },
    end: clear,
  };
}
