import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors';
import { MAX_BINS, MAX_GRID_POINTS } from './limits';
import { sameFile } from '../util/sameFile';
import { sidecarPath } from '../records/csv';

export { MAX_BINS } from './limits';

/** Options spec accepted by `parseCommandArgs` (node:util parseArgs options). */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed values typed from the spec: boolean flags as booleans, everything else as strings. */
export type ParsedValues<T extends OptionSpec> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

/** Options that name something a command writes; every other path option is something it reads. */
const OUTPUT_OPTIONS = ['out', 'reproduction', 'epoch-records'];

/** A negative number as an option's value ("--p-tar -0.5"), which node's parser takes for a flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity)/;

/**
 * Parse a subcommand's argv strictly: unknown flags are a usage error (exit 2) naming the flag,
 * never silently ignored. Also refused, as usage errors naming the flag: a single-value flag given
 * twice (the last would win silently), an empty value (`--out ''` would be ignored), and an output
 * (`--out`, `--reproduction`, `--epoch-records`) that is the same file as an input option, through a
 * symlink or hard link too (it would destroy the input), or the sidecar of an input CSV. A
 * negative number after a flag that takes a value is read as that value.
 */
export function parseCommandArgs<T extends OptionSpec>(
  command: string,
  argv: string[],
  options: T,
  allowPositionals = false,
): { values: ParsedValues<T>; positionals: string[] } {
  const args = joinNegativeValues(argv, options);
  let r: ReturnType<typeof parseArgs>;
  try {
    r = parseArgs({ args, options, strict: true, allowPositionals, tokens: true });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message} (see eecal ${command} --help)`, { cause: err });
  }
  const seen = new Set<string>();
  for (const t of r.tokens ?? []) {
    if (t.kind !== 'option') continue;
    const spec = options[t.name];
    if (spec?.type === 'string' && !spec.multiple) {
      if (seen.has(t.name))
        throw new ConfigError(`--${t.name} given twice; expected it once (see eecal ${command} --help)`);
      seen.add(t.name);
    }
    if (spec?.type === 'string' && t.value === '')
      throw new ConfigError(`--${t.name} is empty; expected a value (see eecal ${command} --help)`);
  }
  refuseOutputOverInput(r.values as Record<string, unknown>);
  return { values: r.values as ParsedValues<T>, positionals: r.positionals };
}

/** "--flag -0.5" → "--flag=-0.5" for flags that take a value, so a negative number reaches its range check. */
function joinNegativeValues(argv: string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (name !== null && options[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

/** An output option naming the same file as an input option (or an input CSV's sidecar) is refused. */
function refuseOutputOverInput(values: Record<string, unknown>): void {
  const inputs: Array<[string, string]> = [];
  for (const [name, v] of Object.entries(values)) {
    if (OUTPUT_OPTIONS.includes(name)) continue;
    for (const p of Array.isArray(v) ? v : [v]) if (typeof p === 'string') inputs.push([name, p]);
  }
  for (const outName of OUTPUT_OPTIONS) {
    const out = values[outName];
    if (typeof out !== 'string') continue;
    for (const [name, p] of inputs) {
      if (sameFile(out, p))
        throw new ConfigError(
          `--${outName} ${out} is the same file as --${name} ${p}; writing it would destroy the input (choose another --${outName})`,
        );
      if (/\.csv(\.gz)?$/i.test(p) && sameFile(out, sidecarPath(p))) {
        throw new ConfigError(
          `--${outName} ${out} is the sidecar of --${name} ${p}; writing it would destroy the input's per-exit costs (choose another --${outName})`,
        );
      }
    }
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
export function countOption(
  name: string,
  raw: string | undefined,
  fallback: number | undefined,
  min: number,
  max: number,
): number {
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
    if (![a, b, s].every(Number.isFinite))
      throw new ConfigError(`--${name} "${raw}": start, stop and step must be numbers`);
    if (!(s > 0)) throw new ConfigError(`--${name} "${raw}": step must be > 0`);
    if (b < a) throw new ConfigError(`--${name} "${raw}": stop must be ≥ start`);
    const count = Math.floor((b - a) / s + 1e-9) + 1;
    if (count > MAX_GRID_POINTS)
      throw new ConfigError(`--${name} "${raw}": ${count} points; expected ≤ ${MAX_GRID_POINTS}`);
    return Array.from({ length: count }, (_, i) => Number((a + i * s).toPrecision(12)));
  }
  const vals = raw.split(',').map((p) => p.trim());
  if (vals.length > MAX_GRID_POINTS)
    throw new ConfigError(`--${name}: ${vals.length} values; expected ≤ ${MAX_GRID_POINTS}`);
  return vals.map((p) => {
    const v = Number(p);
    if (p === '' || !Number.isFinite(v)) throw new ConfigError(`--${name} "${raw}": "${p}" is not a number`);
    return v;
  });
}
