/**
 * How a failed notebook cell reads. tslab prints a cell's error with `console.error(err)`, which
 * shows Node's decorated stack: a source excerpt of the line that threw (inside the library, not
 * the user's cell) and a dozen frames of vm and tslab internals. A researcher needs the message,
 * which in eecal names the option or file and what was expected. So inside a kernel,
 * `console.error(err)` prints `Name: message` (and each `cause` on its own line) plus a hint; with
 * EECAL_DEBUG=1 it prints the full stack as before.
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
 * Make `console.error` print errors briefly (see the file comment); idempotent, and a no-op when
 * EECAL_DEBUG=1. Only the kernel's process calls this: a script keeps Node's full stacks.
 */
export function installBriefKernelErrors(): void {
  if (installed || process.env.EECAL_DEBUG === '1') return;
  installed = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (!args.some((a) => a instanceof Error)) return original(...args);
    original(...args.map((a) => (a instanceof Error ? briefError(a) : a)));
    original(DEBUG_HINT);
  };
}
