import { ConfigError, RecordFormatError } from '../errors';
import { sidecarPath } from '../records/csv';
import { countOption, numberOption, intListOption, gridOption } from './args';
import { MAX_PROTOCOL_BATCH_SIZE, MAX_ROUNDS } from './limits';
import { writeFileAtomic } from '../util/atomicWrite';
import type { Fallback } from '../cascade/runCascade';
import type { ExitRecords } from '../records/types';
import {
  BYTES_PER_ELEMENT,
  parseUplink,
  stageTimesFromSidecar,
  type NetworkConfig,
  type StageTimes,
  type TensorDtype,
} from '../offloading/latencyModel';

/**
 * Option parsing shared by `eecal sweep | outage | deadline | partition`: one spelling and one
 * error message per flag across the four commands. Raw values come from node:util parseArgs.
 */
type Raw = Record<string, string | boolean | undefined>;
const str = (v: Raw, name: string): string | undefined => v[name] as string | undefined;

/** Flags every offloading command takes. */
export const COMMON_OPTIONS = {
  records: { type: 'string' },
  calibration: { type: 'string' },
  'edge-exits': { type: 'string' },
  disable: { type: 'string' },
  fallback: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  out: { type: 'string' },
  strict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** --help lines of COMMON_OPTIONS. */
export const COMMON_HELP = `  --records FILE.csv        exit records (label + logits of every exit); FILE.json sidecar read when present
  --calibration FILE.json   calibration from eecal calibrate: results shown calibrated and uncalibrated
  --edge-exits K            side branches on the device, 1…(exits − 1) (default 1)
  --disable I,J             side branches that never answer (their head is not run), 1-based
  --fallback final|most-confident   answer of an offloaded sample (default final)
  --json | --csv            machine-readable output (default: a table)
  --out FILE                write the output to FILE (atomically) instead of stdout
  --strict                  refuse a --calibration fitted on another model's records (default: a warning)`;

/** Flags of the shuffled-batches protocol (outage, deadline). */
export const BATCH_OPTIONS = {
  'batch-size': { type: 'string' },
  rounds: { type: 'string' },
  seed: { type: 'string' },
} as const;
/** --help lines of BATCH_OPTIONS. */
export const BATCH_HELP = `  --batch-size B            batch size (default 256; the last, partial batch is kept)
  --rounds R                shuffled rounds (default 100)
  --seed S                  seed of the shuffles (default 0)`;

/** Flags of the latency model (deadline, partition). */
export const LATENCY_OPTIONS = {
  uplink: { type: 'string' },
  'rtt-ms': { type: 'string' },
  'device-gmacs': { type: 'string' },
  'cloud-speedup': { type: 'string' },
  'cloud-ms': { type: 'string' },
  'tensor-dtype': { type: 'string' },
} as const;
/** --help lines of LATENCY_OPTIONS. */
export const LATENCY_HELP = `  --uplink 3g|4g|wifi|MBPS  uplink rate: presets 1.1 / 5.85 / 18.8 Mbit/s or a number (default 4g)
  --rtt-ms MS               round-trip time added to each offloaded sample (default 0)
  --device-gmacs G          device speed in GMAC/s: device time = MACs / speed (default: the
                            sidecar's measured inferenceMsPerSample)
  --cloud-speedup γ         cloud is γ× faster than the device on the remaining trunk (default 10)
  --cloud-ms MS[,MS…]       measured cloud time per sample instead (one value, or one per k)
  --tensor-dtype fp32|fp16|int8   wire format of the split tensor (default fp32)`;

/** Cascade layout flags, checked against the records. */
export function layoutOptions(
  v: Raw,
  records: ExitRecords,
): { edgeExits: number; disabled: Set<number>; fallback: Fallback } {
  const edgeExits = numberOption('edge-exits', str(v, 'edge-exits'), 1, { integer: true, min: 1 });
  if (edgeExits > records.numExits - 1) {
    throw new ConfigError(
      `--edge-exits ${edgeExits}: the records have ${records.numExits} exits, so at most ${records.numExits - 1} side branches can be on the device`,
    );
  }
  const raw = str(v, 'disable');
  const disabled = new Set(raw ? intListOption('disable', raw, 1, records.numExits - 1) : []);
  const fallback = (str(v, 'fallback') ?? 'final') as Fallback;
  if (fallback !== 'final' && fallback !== 'most-confident')
    throw new ConfigError(`--fallback "${fallback}": expected final or most-confident`);
  return { edgeExits, disabled, fallback };
}

/** Output format: a table unless --json or --csv (not both). */
export function outputFormat(v: Raw): 'table' | 'json' | 'csv' {
  if (v.json && v.csv) throw new ConfigError('--json and --csv are exclusive');
  return v.json ? 'json' : v.csv ? 'csv' : 'table';
}

/** Print to stdout, or write atomically to --out. */
export function emit(text: string, out: string | undefined): void {
  if (out) writeFileAtomic(out, text);
  else process.stdout.write(text);
}

/** A p_tar grid flag ("0.5:1:0.05" or "0.5,0.8"), default when absent. */
export function pTarGrid(v: Raw, name: string, fallback: string): number[] {
  return gridOption(name, str(v, name) ?? fallback);
}

/** Batch protocol flags. */
export function batchOptions(v: Raw): { batchSize: number; rounds: number; seed: number } {
  return {
    batchSize: countOption('batch-size', str(v, 'batch-size'), 256, 1, MAX_PROTOCOL_BATCH_SIZE),
    rounds: countOption('rounds', str(v, 'rounds'), 100, 1, MAX_ROUNDS),
    seed: numberOption('seed', str(v, 'seed'), 0, { integer: true }),
  };
}

/** Device stage times from the records' sidecar (measured, or MACs ÷ --device-gmacs). */
export function stageTimesOption(v: Raw, records: ExitRecords): StageTimes {
  const g = str(v, 'device-gmacs');
  const device =
    g === undefined
      ? ({ kind: 'measured' } as const)
      : { kind: 'macs' as const, gmacPerSecond: numberOption('device-gmacs', g, undefined) };
  if (device.kind === 'macs' && !(device.gmacPerSecond >= MIN_FACTOR && device.gmacPerSecond <= MAX_FACTOR)) {
    throw new ConfigError(`--device-gmacs ${g}: expected a speed in [${MIN_FACTOR}, ${MAX_FACTOR}] GMAC/s`);
  }
  return namingSidecar(v, () => stageTimesFromSidecar(records.meta, records.numExits, device));
}

/**
 * Run a computation over the records' sidecar; its errors ("records sidecar: exits[1]…") are
 * reworded to name the sidecar file the user can open.
 */
export function namingSidecar<T>(v: Raw, compute: () => T): T {
  try {
    return compute();
  } catch (err) {
    const csv = str(v, 'records');
    if (!(err instanceof RecordFormatError) || csv === undefined) throw err;
    const side = sidecarPath(csv);
    const msg = err.message;
    if (msg.startsWith('records sidecar: '))
      throw new RecordFormatError(`${side}: ${msg.slice('records sidecar: '.length)}`, { cause: err });
    if (msg.startsWith('records have no sidecar'))
      throw new RecordFormatError(`${csv}: ${msg} (expected ${side}, written by eecal infer)`, { cause: err });
    throw err;
  }
}

/** Uplink rates: one or a comma list of presets / Mbit/s values. */
export function uplinkList(v: Raw, allowList: boolean): number[] {
  const raw = str(v, 'uplink') ?? '4g';
  const parts = raw.split(',');
  if (!allowList && parts.length > 1) throw new ConfigError(`--uplink "${raw}": expected one rate`);
  return parts.map((p) => {
    let mbps: number;
    try {
      mbps = parseUplink(p);
    } catch (err) {
      throw new ConfigError(`--uplink "${raw}": ${(err as Error).message}`);
    }
    // A positive but tiny rate (1e-320) makes every upload time Infinity, which JSON writes as null.
    if (mbps < MIN_UPLINK_MBPS)
      throw new ConfigError(
        `--uplink "${raw}": ${p.trim()} Mbit/s is below ${MIN_UPLINK_MBPS} Mbit/s (1 bit/s); upload times would overflow`,
      );
    return mbps;
  });
}

/** Slowest uplink accepted: 1 bit/s. Below it, uploads of real split tensors take longer than any finite time prints. */
const MIN_UPLINK_MBPS = 1e-6;
/** Largest time option in ms (about 11.6 days): sums of such times stay finite and printable. */
const MAX_MS = 1e9;
/** Speed factors and rates are bounded on both sides, so that divisions by them stay finite. */
const MIN_FACTOR = 1e-6;
const MAX_FACTOR = 1e6;

/**
 * Network config for one uplink rate from the latency flags. `sideBranches` (B, the records'
 * exits − 1) is what a --cloud-ms list configures: one value for every k, or one per k = 1…B.
 */
export function networkOptions(v: Raw, uplinkMbps: number, sideBranches: number): NetworkConfig {
  const rttMs = numberOption('rtt-ms', str(v, 'rtt-ms'), 0, { min: 0, max: MAX_MS });
  const dtype = (str(v, 'tensor-dtype') ?? 'fp32') as TensorDtype;
  if (!(dtype in BYTES_PER_ELEMENT)) throw new ConfigError(`--tensor-dtype "${dtype}": expected fp32, fp16 or int8`);
  const cloudMs = str(v, 'cloud-ms');
  const speed = str(v, 'cloud-speedup');
  if (cloudMs !== undefined && speed !== undefined)
    throw new ConfigError('--cloud-ms and --cloud-speedup are exclusive');
  if (cloudMs !== undefined) {
    const ms = cloudMs.split(',').map((p) => numberOption('cloud-ms', p, undefined, { min: 0, max: MAX_MS }));
    if (ms.length !== 1 && ms.length !== sideBranches) {
      throw new ConfigError(
        `--cloud-ms "${cloudMs}": ${ms.length} values; expected one, or one per number of device branches k = 1…${sideBranches} (${sideBranches} values)`,
      );
    }
    return { uplinkMbps, rttMs, cloud: { ms: ms.length === 1 ? ms[0] : ms }, tensorDtype: dtype };
  }
  const speedup = numberOption('cloud-speedup', speed, 10);
  if (!(speedup >= MIN_FACTOR && speedup <= MAX_FACTOR))
    throw new ConfigError(`--cloud-speedup ${speed}: expected a factor in [${MIN_FACTOR}, ${MAX_FACTOR}]`);
  return { uplinkMbps, rttMs, cloud: { speedup }, tensorDtype: dtype };
}

/** Records path flag. */
export function recordsOption(v: Raw): string {
  const r = str(v, 'records');
  if (!r) throw new ConfigError('--records is required (an exit-records CSV from eecal infer)');
  return r;
}
