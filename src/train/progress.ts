/** Human-readable duration: 42s, 3m05s, 1h02m. */
export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '?';
  const s = Math.round(sec);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Training progress on stderr: an in-place bar on a terminal, or a plain line every `intervalSec`
 * when piped to a log (so background runs leave a readable log).
 */
export class ProgressBar {
  private lastPrint = 0;
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly intervalSec = 30,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  update(p: {
    epoch: number;
    epochs: number;
    batch: number;
    batches: number;
    samplesPerSec: number;
    loss: number;
    etaEpochSec: number;
    etaTotalSec: number;
  }): void {
    const now = Date.now();
    const done = p.batch === p.batches;
    if (!this.tty && !done && now - this.lastPrint < this.intervalSec * 1000) return;
    if (this.tty && !done && now - this.lastPrint < 200) return;
    this.lastPrint = now;
    const width = 24;
    const filled = Math.round((p.batch / p.batches) * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const line =
      `epoch ${p.epoch}/${p.epochs} [${bar}] ${p.batch}/${p.batches} batches  ` +
      `${p.samplesPerSec.toFixed(1)} samples/s  loss ${p.loss.toFixed(4)}  ` +
      `ETA epoch ${formatDuration(p.etaEpochSec)}, all ${formatDuration(p.etaTotalSec)}`;
    if (this.tty) this.out.write(`\r${line}\x1b[K${done ? '\n' : ''}`);
    else this.out.write(line + '\n');
  }
}
