import type { Command } from '../main';
import { binsOption, intListOption, numberOption, parseCommandArgs, requiredOption } from '../args';
import { ConfigError } from '../../errors';
import { readRecords } from '../../records/csv';
import type { ExitRecords } from '../../records/types';
import type { CalibratorState } from '../../calibration/types';
import {
  calibrateRecords,
  CALIBRATION_METHODS,
  METHOD_IDS,
  isCalibrationMethod,
  type CalibrateOptions,
  type CalibrationMethod,
  type CalibrationRun,
} from '../../calibration/methods';
import { describeState } from '../../calibration/describeState';
import { withFlags } from '../optionFlags';
import { beforeAfter, type BeforeAfter } from '../../calibration/evaluateFit';
import { provenanceOf, writeCalibrationFile } from '../../calibration/calibrationFile';
import type { Fallback } from '../../cascade/runCascade';
import { formatTable } from '../tableText';
import { loadMethodModule, METHOD_MODULE_CONTRACT } from '../methodModule';
import { fmtNum } from '../../util/tableFormat';

/** Methods whose fit depends on p_tar. */
const P_TAR_METHODS = METHOD_IDS.filter((m) => CALIBRATION_METHODS[m].needsPTar);

const HELP = `usage: eecal calibrate --records val.csv (--method METHOD | --method-module FILE) [--p-tar X] [--exits 1,2] [--out calib.json] [--json]

Fit a calibration method on validation exit records and print, per exit, the parameters and the
NLL / ECE / accuracy of that exit's validation samples before and after calibration.

  --records FILE.csv        validation exit records (label + logits of every exit)
  --method METHOD           one of:
${METHOD_IDS.map((m) => `                              ${m.padEnd(13)}${CALIBRATION_METHODS[m].describe}${CALIBRATION_METHODS[m].needsPTar ? ' (needs --p-tar)' : ''}`).join('\n')}
  --method-module FILE      your method instead of --method: ${METHOD_MODULE_CONTRACT};
                            fitted per exit (--exits applies); it has no calibration file, so no --out
  --p-tar X                 confidence target (per-branch, global, offloading)
  --exits 1,2               exits to calibrate (others stay uncalibrated; not for global/offloading)
  --edge-exits K            side branches on the device for the cascade (default: all side branches)
  --fallback final|most-confident   exit of offloaded samples in the cascade (default final)
  --disable I,J             side branches that never answer
  --optimizer exact|torch-lbfgs     temperature fit: exact (default) or the paper code's PyTorch
                            L-BFGS (lr 0.01, 50 iterations, T0 = 1.5), to see an unconverged fit
  --lambda L --mu M         matrix: ODIR off-diagonal / bias penalties (default 1e-3 each)
  --hist-bins B             histogram: bins (default 15)
  --beta B                  offloading: ms of latency worth one unit of edge accuracy
  --device-ms A,B,…         offloading: cumulative device ms up to exit 1…k (default: sidecar
                            inferenceMsPerSample)
  --cloud-ms MS             offloading: cloud ms to finish an offloaded sample (default: sidecar
                            final-exit time − device time up to exit k)
  --overhead-ms MS          offloading: offloading overhead ms (default 0)
  --bins B                  ECE bins of the report (default 15)
  --out calib.json          write the calibration file (atomically) for --calibration elsewhere
  --json                    JSON on stdout: {"method", "pTar", "exits":[{"exit", "temperature"?,
                            "calibrator", "fitSamples", "nllBefore", "nllAfter", "eceBefore",
                            "eceAfter", "accuracyBefore", "accuracyAfter", "note", "warnings"}]}`;

const OPTIONS = {
  records: { type: 'string' },
  method: { type: 'string' },
  'method-module': { type: 'string' },
  'p-tar': { type: 'string' },
  exits: { type: 'string' },
  'edge-exits': { type: 'string' },
  fallback: { type: 'string' },
  disable: { type: 'string' },
  optimizer: { type: 'string' },
  lambda: { type: 'string' },
  mu: { type: 'string' },
  'hist-bins': { type: 'string' },
  beta: { type: 'string' },
  'device-ms': { type: 'string' },
  'cloud-ms': { type: 'string' },
  'overhead-ms': { type: 'string' },
  bins: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

/** One exit's line of the report (JSON field names are a contract). */
interface ExitRow extends BeforeAfter {
  exit: number;
  temperature?: number;
  /** The saved state; `{ "kind": "function" }` for a method module's calibrator (it has none). */
  calibrator: CalibratorState | { kind: 'function' };
  fitSamples: number;
  iterations: number | null;
  note: string | null;
  warnings: string[];
}

/** `eecal calibrate`: fit a method on validation records, report before/after, optionally save the file. */
export const calibrateCommand: Command = {
  summary: 'fit a calibration method on validation records',
  async run(argv) {
    const { values: v } = parseCommandArgs('calibrate', argv, OPTIONS);
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    if (v.method !== undefined && v['method-module'] !== undefined)
      throw new ConfigError('--method and --method-module: give one of them');
    const module = v['method-module'] !== undefined ? await loadMethodModule(v['method-module'] as string) : null;
    const method = module ? module.id : requiredOption('method', v.method as string | undefined);
    if (!module && !isCalibrationMethod(method))
      throw new ConfigError(`--method "${method}": expected one of ${METHOD_IDS.join(', ')}`);
    if (module && v.out !== undefined) {
      throw new ConfigError(
        `--out: method "${module.id}" (--method-module) calibrates with a function, which cannot be written to a calibration file`,
      );
    }
    const records = readRecords(requiredOption('records', v.records as string | undefined));
    const bins = binsOption('bins', v.bins as string | undefined, 15);
    const run = module
      ? withFlags(() => calibrateRecords(records, module, moduleOptions(v, records)))
      : withFlags(() =>
          calibrateRecords(
            records,
            method as CalibrationMethod,
            methodOptions(v, method as CalibrationMethod, records),
          ),
        );
    const rows = run.exits.map((x, e): ExitRow => {
      const state = x.calibrator.kind === 'function' ? ({ kind: 'function' } as const) : x.calibrator.toJSON();
      return {
        exit: x.exit,
        ...(x.calibrator.kind === 'temperature' ? { temperature: x.calibrator.scalingTemperature as number } : {}),
        calibrator: state,
        fitSamples: x.fitSamples,
        ...beforeAfter(
          records.logits[e],
          x.calibrator.probabilities(records.logits[e]),
          records.labels,
          records.numClasses,
          bins,
        ),
        iterations: x.report?.iterations ?? null,
        note: x.note,
        warnings: x.report?.warnings ?? [],
      };
    });
    if (v.out) {
      if (!run.file)
        throw new ConfigError(
          `--out: method "${run.method}" calibrates with a function, which cannot be written to a calibration file; use it through --method-module where a command accepts it`,
        );
      writeCalibrationFile(v.out as string, { ...run.file, fittedOn: provenanceOf(records, v.records as string) });
    }
    // A shared fit (global TS) has one report for every exit: print its warnings once.
    const seen = new Set<unknown>();
    run.exits.forEach((x, e) => {
      if (x.note) console.error(`calibrate: exit ${x.exit}: ${x.note}`);
      if (!x.report || seen.has(x.report)) return;
      seen.add(x.report);
      const where = method === 'global' ? 'pooled fit' : `exit ${rows[e].exit}`;
      for (const w of x.report.warnings) console.error(`calibrate: ${where}: ${w}`);
    });
    if (v.json) {
      process.stdout.write(
        JSON.stringify({
          method,
          pTar: run.pTar,
          bins,
          calibration: v.out ?? null,
          exits: rows,
          offloading: offloadingSummary(run),
        }) + '\n',
      );
      return 0;
    }
    console.log(
      `${method} calibration of ${records.numSamples} validation samples, ${records.numExits} exits${run.pTar !== null ? `, p_tar = ${run.pTar}` : ''}${v.out ? ` → ${String(v.out)}` : ''}`,
    );
    process.stdout.write(
      formatTable(rows, [
        { header: 'exit', value: (r) => r.exit, digits: 0 },
        { header: 'fit n', value: (r) => r.fitSamples, digits: 0 },
        {
          header: 'parameters',
          value: (r) => (r.calibrator.kind === 'function' ? 'function' : describeState(r.calibrator)),
        },
        { header: 'NLL before', value: (r) => r.nllBefore },
        { header: 'NLL after', value: (r) => r.nllAfter },
        { header: 'ECE before', value: (r) => r.eceBefore },
        { header: 'ECE after', value: (r) => r.eceAfter },
        { header: 'acc before', value: (r) => r.accuracyBefore },
        { header: 'acc after', value: (r) => r.accuracyAfter },
      ]),
    );
    const off = offloadingSummary(run);
    if (off) {
      console.log(
        `objective E[latency] − β·acc_edge: ${off.objective.toFixed(4)} (uncalibrated ${off.uncalibrated.objective.toFixed(4)}); ` +
          `E[latency] ${off.expectedLatencyMs.toFixed(3)} ms, edge accuracy ${fmtNum(off.edgeAccuracy, 4)}, on device ${off.edgeFraction.toFixed(4)}`,
      );
    }
    return 0;
  },
};

/** Options of a method module: only --exits (and the report's --bins) apply to a per-exit fit. */
function moduleOptions(v: Values, records: ExitRecords): CalibrateOptions {
  const fixed = [
    'p-tar',
    'edge-exits',
    'fallback',
    'disable',
    'optimizer',
    'lambda',
    'mu',
    'hist-bins',
    'beta',
    'device-ms',
    'cloud-ms',
    'overhead-ms',
  ] as const;
  const bad = fixed.find((f) => v[f] !== undefined);
  if (bad) throw new ConfigError(`--${bad} does not apply to --method-module (a per-exit fit; only --exits applies)`);
  const exits = v.exits as string | undefined;
  return exits === undefined ? {} : { exits: intListOption('exits', exits, 1, records.numExits) };
}

/** Per-method options from the flags; a flag that the method does not use is a usage error. */
function methodOptions(v: Values, method: CalibrationMethod, records: ExitRecords): CalibrateOptions {
  const s = (k: keyof typeof OPTIONS) => v[k] as string | undefined;
  const only = (flag: keyof typeof OPTIONS, methods: readonly CalibrationMethod[]) => {
    if (v[flag] !== undefined && !methods.includes(method))
      throw new ConfigError(`--${flag} does not apply to --method ${method} (only ${methods.join(', ')})`);
  };
  only('p-tar', P_TAR_METHODS);
  only('exits', [
    'temperature',
    'torch-lbfgs',
    'per-branch',
    'vector',
    'matrix',
    'histogram',
    'isotonic',
    'platt',
    'beta',
  ]);
  only('optimizer', ['temperature', 'per-branch', 'global']);
  for (const f of ['edge-exits', 'disable'] as const) only(f, P_TAR_METHODS);
  only('fallback', ['per-branch', 'global']);
  only('lambda', ['matrix']);
  only('mu', ['matrix']);
  only('hist-bins', ['histogram']);
  for (const f of ['beta', 'device-ms', 'cloud-ms', 'overhead-ms'] as const) only(f, ['offloading']);
  const E = records.numExits;
  const optimizer = s('optimizer') ?? 'exact';
  if (optimizer !== 'exact' && optimizer !== 'torch-lbfgs')
    throw new ConfigError(`--optimizer "${optimizer}": expected exact or torch-lbfgs`);
  const fallback = (s('fallback') ?? 'final') as Fallback;
  if (fallback !== 'final' && fallback !== 'most-confident')
    throw new ConfigError(`--fallback "${fallback}": expected final or most-confident`);
  const edgeExits =
    s('edge-exits') === undefined
      ? undefined
      : numberOption('edge-exits', s('edge-exits'), undefined, { integer: true, min: 1, max: E - 1 });
  const opts: CalibrateOptions = {
    pTar: s('p-tar') === undefined ? undefined : numberOption('p-tar', s('p-tar'), undefined, { min: 0, max: 1 }),
    exits: s('exits') === undefined ? undefined : intListOption('exits', s('exits') as string, 1, E),
    edgeExits,
    fallback,
    disabled: new Set(s('disable') ? intListOption('disable', s('disable') as string, 1, E - 1) : []),
    optimizer,
    lambda: numberOption('lambda', s('lambda'), 1e-3, { min: 0 }),
    mu: numberOption('mu', s('mu'), 1e-3, { min: 0 }),
    histogramBins: binsOption('hist-bins', s('hist-bins'), 15),
  };
  if (method === 'offloading') {
    const k = edgeExits ?? E - 1;
    opts.beta = numberOption('beta', s('beta'), undefined, { min: 0 });
    opts.latency = latencyOptions(v, records, k);
  }
  return opts;
}

/** Latency model of the offloading method: flags, else the sidecar's measured per-exit times. */
function latencyOptions(
  v: Values,
  records: ExitRecords,
  k: number,
): { deviceMs: number[]; cloudMs: number; overheadMs: number } {
  const measured = records.meta?.exits?.map((x) => x.inferenceMsPerSample);
  let deviceMs: number[];
  if (v['device-ms'] !== undefined) {
    deviceMs = String(v['device-ms'])
      .split(',')
      .map((p) => numberOption('device-ms', p, undefined, { min: 0 }));
    if (deviceMs.length !== k)
      throw new ConfigError(
        `--device-ms: expected ${k} values (cumulative ms up to exits 1…${k}), found ${deviceMs.length}`,
      );
  } else {
    const m = measured?.slice(0, k);
    if (!m || m.some((x) => x === undefined))
      throw new ConfigError(
        '--device-ms is required: the records sidecar has no inferenceMsPerSample for every device exit',
      );
    deviceMs = m as number[];
  }
  let cloudMs: number;
  if (v['cloud-ms'] !== undefined) cloudMs = numberOption('cloud-ms', v['cloud-ms'] as string, undefined, { min: 0 });
  else {
    const fin = measured?.[records.numExits - 1];
    if (fin === undefined)
      throw new ConfigError('--cloud-ms is required: the records sidecar has no final-exit inferenceMsPerSample');
    cloudMs = Math.max(0, fin - deviceMs[k - 1]);
  }
  return {
    deviceMs,
    cloudMs,
    overheadMs: numberOption('overhead-ms', v['overhead-ms'] as string | undefined, 0, { min: 0 }),
  };
}

function offloadingSummary(run: CalibrationRun) {
  const o = run.offloading;
  return o ? { temperatures: o.temperatures, ...o.outcome, uncalibrated: o.uncalibrated, sweeps: o.sweeps } : null;
}
