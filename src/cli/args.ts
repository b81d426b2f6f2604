import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors';
import { MAX_BINS, MAX_GRID_POINTS } from './limits';

export { MAX_BINS } from './limits';

/** Options spec accepted by `parseCommandArgs` (node:util parseArgs options). */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * Parse a subcommand's argv strictly: unknown flags are a usage error (exit 2) naming the flag,
 * never silently ignored.
 */
/** Parsed values typed from the spec: boolean flags as booleans, everything else as strings. */
export type ParsedValues<T extends OptionSpec> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

export function parseCommandArgs<T extends OptionSpec>(
  command: string, argv: string[], options: T, allowPositionals = false,
): { values: ParsedValues<T>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options, strict: true, allowPositionals });
    return { values: r.values as ParsedValues<T>, positionals: r.positionals };
  } catch (err) {
    throw new ConfigError(`${(err as Error).message} (see eecal ${command} --help)`, { cause: err });
  }
}

/** A finite number option, optionally bounded; names the flag in errors. */
export function numberOption(
  name: string,
  raw: string | undefined,
  fallback: number | undefined,
  bounds: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new ConfigError(`--${name} is required`);
    return fallback;
  }
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new ConfigError(`--${name} "${raw}": expected a number`);
  if (bounds.integer && !Number.isInteger(v)) throw new ConfigError(`--${name} ${raw}: expected an integer`);
  if (bounds.min !== undefined && v < bounds.min) throw new ConfigError(`--${name} ${raw}: expected ≥ ${bounds.min}`);
  if (bounds.max !== undefined && v > bounds.max) throw new ConfigError(`--${name} ${raw}: expected ≤ ${bounds.max}`);
  return v;
}

/** A bin-count option: an integer in [1, MAX_BINS]. */
export function binsOption(name: string, raw: string | undefined, fallback: number): number {
  return numberOption(name, raw, fallback, { integer: true, min: 1, max: MAX_BINS });
}

/** A required string option. */
export function requiredOption(name: string, raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new ConfigError(`--${name} is required`);
  return raw;
}

/** A count option: an integer in [min, max] (bounds from ./limits). */
export function countOption(name: string, raw: string | undefined, fallback: number | undefined, min: number, max: number): number {
  return numberOption(name, raw, fallback, { integer: true, min, max });
}

/** "1,2,3" → [1, 2, 3] (integers, each within bounds). */
export function intListOption(name: string, raw: string, min: number, max: number): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  return parts.map((p) => {
    const v = Number(p);
    if (p === '' || !Number.isInteger(v) || v < min || v > max) {
      throw new ConfigError(`--${name} "${raw}": "${p}" is not an integer in [${min}, ${max}]`);
    }
    return v;
  });
}

/**
 * A grid "start:stop:step" (inclusive of stop when it lies on the grid, within 1e-9) or a
 * comma list "0.5,0.8,0.9", at most MAX_GRID_POINTS points (counted before the array is built).
 * Values are rounded to 12 significant digits so 0.1-steps print cleanly.
 */
export function gridOption(name: string, raw: string): number[] {
  if (raw.includes(':')) {
    const parts = raw.split(':');
    if (parts.length !== 3) throw new ConfigError(`--${name} "${raw}": expected start:stop:step`);
    const [a, b, s] = parts.map((p) => Number(p));
    if (![a, b, s].every(Number.isFinite)) throw new ConfigError(`--${name} "${raw}": start, stop and step must be numbers`);
    if (!(s > 0)) throw new ConfigError(`--${name} "${raw}": step must be > 0`);
    if (b < a) throw new ConfigError(`--${name} "${raw}": stop must be ≥ start`);
    const count = Math.floor((b - a) / s + 1e-9) + 1;
    if (count > MAX_GRID_POINTS) throw new ConfigError(`--${name} "${raw}": ${count} points; expected ≤ ${MAX_GRID_POINTS}`);
    return Array.from({ length: count }, (_, i) => Number((a + i * s).toPrecision(12)));
  }
  const vals = raw.split(',').map((p) => p.trim());
  if (vals.length > MAX_GRID_POINTS) throw new ConfigError(`--${name}: ${vals.length} values; expected ≤ ${MAX_GRID_POINTS}`);
  return vals.map((p) => {
    const v = Number(p);
    if (p === '' || !Number.isFinite(v)) throw new ConfigError(`--${name} "${raw}": "${p}" is not a number`);
    return v;
  });
}
