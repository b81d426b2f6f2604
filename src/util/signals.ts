/** Exit status of a process stopped by a signal: 128 + its number (SIGINT 2 → 130, SIGTERM 15 → 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

/**
 * For commands whose every write is atomic and synchronous (infer, reproduce): on SIGINT/SIGTERM,
 * say what happens and exit at once with 130/143. A handler only runs between event-loop turns,
 * never inside a synchronous write, so every file is either complete or untouched, and no
 * `.eecal-tmp-*` file is left behind. `cleanup` runs first (synchronously): it removes what the
 * command staged. Returns the uninstaller.
 */
export function exitOnSignal(command: string, note: string, cleanup?: () => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    cleanup?.();
    console.error(`\n${signal}: eecal ${command} stopped; ${note}`);
    process.exit(signalExitCode(signal));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
