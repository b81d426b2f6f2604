/**
 * How a failed notebook cell reads. tslab prints a cell's error with the `console.error` it saved
 * at start-up, which shows Node's decorated stack: a source excerpt of the line that threw (inside
 * the library, not the user's cell) and a dozen frames of vm and tslab internals. A researcher
 * needs the message, which in eecal names the option or file and what was expected. Node formats
 * an error through its `util.inspect.custom` method when it has one, so inside a kernel every
 * error gets one that prints `Name: message` (and each `cause` on its own line) plus a hint; with
 * EECAL_DEBUG=1 nothing changes and the full stack is printed as before.
 */

/** One error as a notebook shows it: `Name: message`, then `caused by …` lines. */
export function briefError(err: Error): string {
  const lines = [`${err.name}: ${err.message}`];
  let cause: unknown = err.cause;
  // A cycle of causes is possible in principle; a few levels say everything useful.
  for (let depth = 0; cause !== undefined && depth < 4; depth++) {
    lines.push(`  caused by ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return lines.join('\n');
}

/** The hint that follows a brief error. */
export const DEBUG_HINT = '(set EECAL_DEBUG=1 before starting Jupyter to see the full stack)';

let installed = false;

/**
 * Make every error print briefly when inspected (see the file comment); idempotent, and a no-op
 * when EECAL_DEBUG=1. Only the kernel's process calls this: a script keeps Node's full stacks.
 */
export function installBriefKernelErrors(): void {
  if (installed || process.env.EECAL_DEBUG === '1') return;
  installed = true;
  Object.defineProperty(Error.prototype, Symbol.for('nodejs.util.inspect.custom'), {
    configurable: true,
    writable: true,
    value(this: Error) {
      return `${briefError(this)}\n${DEBUG_HINT}`;
    },
  });
}
