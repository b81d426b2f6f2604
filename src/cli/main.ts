import { EecalError, ConfigError } from '../errors';
import { packageVersion } from '../version';

/** A subcommand: parses its own argv, returns the process exit code. */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

/**
 * Commands are loaded lazily so `eecal metrics` never pays for loading tfjs, and a command whose
 * optional dependencies are missing does not break the others.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  doctor: {
    summary: 'check backends, GPU, Jupyter kernel and Chromium',
    load: async () => (await import('./commands/doctor')).doctorCommand,
  },
  data: {
    summary: 'data inspect <dataset> [--data DIR]: counts per split and class',
    load: async () => (await import('./commands/data')).dataCommand,
  },
  train: {
    summary: 'train an early-exit network (BranchyNet joint loss), checkpointed',
    load: async () => (await import('./commands/train')).trainCommand,
  },
  infer: {
    summary: 'write exit records (labels + logits of every exit) for a split',
    load: async () => (await import('./commands/infer')).inferCommand,
  },
  calibrate: {
    summary: 'fit a calibration method on validation records',
    load: async () => (await import('./commands/calibrate')).calibrateCommand,
  },
  metrics: {
    summary: 'accuracy, NLL, Brier, ECE … per exit',
    load: async () => (await import('./commands/metrics')).metricsCommand,
  },
  sweep: {
    summary: 'offloading probability and accuracy over a p_tar grid',
    load: async () => (await import('./commands/sweep')).sweepCommand,
  },
  outage: {
    summary: 'inference outage probability over a p_tar grid',
    load: async () => (await import('./commands/outage')).outageCommand,
  },
  deadline: {
    summary: 'missed-deadline probability over a deadline grid',
    load: async () => (await import('./commands/deadline')).deadlineCommand,
  },
  threshold: {
    summary: 'device threshold with a risk-control guarantee (accuracy ≥ target w.p. ≥ 1 − δ)',
    load: async () => (await import('./commands/threshold')).thresholdCommand,
  },
  guarantees: {
    summary: 'check the accuracy guarantee of risk control vs TS by calibration draws',
    load: async () => (await import('./commands/guarantees')).guaranteesCommand,
  },
  partition: {
    summary: 'number of device branches that minimises expected latency',
    load: async () => (await import('./commands/partition')).partitionCommand,
  },
  serve: {
    summary: 'serve cloud|edge: run the split model over HTTP (the testbed)',
    load: async () => (await import('./commands/serve')).serveCommand,
  },
  testbed: {
    summary: "end node: send a split's images to an edge, write measured records",
    load: async () => (await import('./commands/testbed')).testbedCommand,
  },
  reproduce: {
    summary: 'regenerate every figure, table and REPRODUCTION.md from shipped records',
    load: async () => (await import('./commands/reproduce')).reproduceCommand,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['usage: eecal <command> [options]   (eecal <command> --help for its options)', '', ...lines].join('\n');
}

/** Entry point. Exit codes: 0 ok, 1 a check failed, 2 usage/config error, 3 runtime error. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    console.log(packageVersion());
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`eecal: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const cmd = await entry.load();
    return await cmd.run(rest);
  } catch (err) {
    return reportError(name, err, process.env.EECAL_DEBUG === '1');
  }
}

/**
 * Print a failure as one line (no stack) and return its exit code: 2 for usage errors, 3 for the
 * rest. Errors that are not EecalErrors are bugs or unanticipated environment failures: they are
 * still one line, naming the path when the system error has one; EECAL_DEBUG=1 adds the stack.
 */
export function reportError(command: string, err: unknown, debug: boolean): number {
  const stack = debug && err instanceof Error && err.stack ? `\n${err.stack}` : '';
  if (err instanceof ConfigError) {
    console.error(`eecal ${command}: ${err.message}${stack}`);
    return 2;
  }
  if (err instanceof EecalError) {
    console.error(`eecal ${command}: error: ${err.message}${stack}`);
    return 3;
  }
  const e = err as NodeJS.ErrnoException;
  const first = String(e?.message ?? err).split('\n')[0];
  const where = e?.path && !first.includes(e.path) ? ` (${e.path})` : '';
  console.error(
    `eecal ${command}: unexpected error: ${first}${where}${stack || '  [set EECAL_DEBUG=1 for the stack trace]'}`,
  );
  return 3;
}
