import type { Command } from '../main';
import { binsOption, countOption, intListOption, numberOption, parseCommandArgs, requiredOption } from '../args';
import { MAX_REPLICATES } from '../limits';
import { ConfigError } from '../../errors';
import { readRecords } from '../../records/csv';
import { readCalibrationFile } from '../../calibration/calibrationFile';
import { calibratorsFor } from '../../calibration/applyCalibration';
import type { Calibrator } from '../../calibration/types';
import { softmaxRows } from '../../calibration/logitMath';
import { exitMetrics, exitMetricIntervals, EXIT_METRIC_NAMES, type ExitMetricValues } from '../../metrics/exitMetrics';
import { binStats } from '../../metrics/binning';
import { topLabelOf } from '../../metrics/topLabel';
import { RELPLOT_VERSION } from '../../metrics/smoothEce';
import type { BinStat } from '../../metrics/types';
import { formatTable } from '../tableText';
import { progressReporter } from '../progressLine';
import { checkCalibrationProvenance, STRICT_HELP } from '../calibrationProvenance';
import { moduleCalibration, MODULE_EVAL_HELP } from '../methodModule';
import { nativeSmoothSums } from '../../backend/nativeBlas';

const HELP = `usage: eecal metrics --records test.csv [--calibration calib.json | --method-module FILE --fit-records val.csv] [--bins 15] [--exits 1,2]
                     [--bootstrap B [--seed S] [--level 0.95]] [--json]

Per exit: accuracy, NLL, Brier, ECE (equal-width and equal-mass bins), RMSCE, MCE, adaptive ECE
(Nixon et al.), classwise ECE (Kull et al.), debiased L2 calibration error (Kumar et al.) and
smooth ECE (relplot ${RELPLOT_VERSION}'s smECE), of the raw softmax or, with --calibration, of the calibrated probabilities.
ECE bins: lo < confidence ≤ hi on (0, 1] (docs/paper-notes.md#ece).

  --records FILE.csv        exit records (label + logits of every exit)
  --calibration FILE.json   calibration file from eecal calibrate --out
${STRICT_HELP}
${MODULE_EVAL_HELP}
  --bins B                  bins of every binned metric (default 15)
  --exits 1,2               only these exits (default all)
  --bootstrap B             add percentile-bootstrap intervals from B resamples (default 0: none)
  --seed S                  seed of the bootstrap (default 0)
  --level L                 coverage of the intervals (default 0.95)
  --json                    JSON on stdout: {"exits":[{"exit", "samples", "accuracy", "nll", "brier",
                            "ece", "eceEqualMass", "rmsce", "mce", "adaptiveEce", "classwiseEce",
                            "debiasedL2Ce", "smoothEce", "reliability":[{lo, hi, count, meanConfidence,
                            accuracy, gap}], "ci"?: {metric: [low, high]}}]}`;

const OPTIONS = {
  records: { type: 'string' },
  calibration: { type: 'string' },
  'method-module': { type: 'string' },
  'fit-records': { type: 'string' },
  bins: { type: 'string' },
  exits: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  level: { type: 'string' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One exit's metrics (JSON field names are a contract). */
type ExitRow = { exit: number; samples: number } & ExitMetricValues & {
    reliability: BinStat[];
    ci?: Record<string, [number, number]>;
  };

/** `eecal metrics`: every calibration/accuracy metric per exit, optionally calibrated and with bootstrap CIs. */
export const metricsCommand: Command = {
  summary: 'accuracy, NLL, Brier, ECE … per exit',
  async run(argv) {
    const { values: v } = parseCommandArgs('metrics', argv, OPTIONS);
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    // Bounds first: nothing is read or allocated for an out-of-range count.
    const bins = binsOption('bins', v.bins, 15);
    const replicates = countOption('bootstrap', v.bootstrap, 0, 0, MAX_REPLICATES);
    if (replicates === 1) throw new ConfigError('--bootstrap 1: expected 0 (no intervals) or at least 2 resamples');
    if (replicates === 0 && (v.seed !== undefined || v.level !== undefined))
      throw new ConfigError('--seed and --level need --bootstrap B');
    const seed = numberOption('seed', v.seed, 0, { integer: true });
    const level = numberOption('level', v.level, 0.95, { min: 0.5, max: 0.999 });
    const records = readRecords(requiredOption('records', v.records));
    const C = records.numClasses;
    const exits = v.exits ? intListOption('exits', v.exits, 1, records.numExits) : records.logits.map((_, e) => e + 1);
    let calibrators: Calibrator[] | null = null;
    // Await only for a module: without one the command stays synchronous (as callers capturing stdout expect).
    const module =
      v['method-module'] !== undefined || v['fit-records'] !== undefined ? await moduleCalibration(v, records) : null;
    if (module) calibrators = calibratorsFor(records, module.calibration, module.path);
    else if (v.calibration) {
      const calibration = readCalibrationFile(v.calibration);
      checkCalibrationProvenance(calibration, v.calibration, records, v.records as string, Boolean(v.strict));
      calibrators = calibratorsFor(records, calibration, v.calibration);
    }
    const rows: ExitRow[] = exits.map((exit) => {
      const logits = records.logits[exit - 1];
      const probs = calibrators ? calibrators[exit - 1].probabilities(logits) : softmaxRows(logits, C);
      const tl = topLabelOf(probs, records.labels, C);
      const estimate = exitMetrics(probs, records.labels, C, { bins });
      const row: ExitRow = {
        exit,
        samples: records.numSamples,
        ...estimate,
        reliability: binStats(tl.confidence, tl.correct, { bins }),
      };
      if (replicates > 0) {
        const iv = exitMetricIntervals(probs, records.labels, C, {
          bins,
          estimate,
          // The addon's loops when built: the same numbers, several times faster.
          smoothSums: nativeSmoothSums() ?? undefined,
          replicates,
          seed,
          level,
          onProgress: progressReporter(`bootstrap, exit ${exit}, resamples`),
        });
        row.ci = Object.fromEntries(EXIT_METRIC_NAMES.map((m) => [m, [iv[m].low, iv[m].high]]));
      }
      return row;
    });
    if (v.json) {
      const bootstrap = replicates > 0 ? { replicates, seed, level } : null;
      process.stdout.write(
        JSON.stringify({
          records: v.records,
          calibration: v.calibration ?? null,
          ...(module ? { methodModule: v['method-module'] } : {}),
          bins,
          bootstrap,
          exits: rows,
        }) + '\n',
      );
      return 0;
    }
    console.log(
      `${records.numSamples} samples, ${C} classes, ${module ? `calibrated by ${module.calibration.method} (${module.path}, fitted on ${v['fit-records']})` : v.calibration ? `calibrated by ${v.calibration}` : 'uncalibrated (softmax of the logits)'}, ${bins} bins`,
    );
    const label: Record<keyof ExitMetricValues, string> = {
      accuracy: 'acc',
      nll: 'NLL',
      brier: 'Brier',
      ece: 'ECE',
      eceEqualMass: 'ECE-em',
      rmsce: 'RMSCE',
      mce: 'MCE',
      adaptiveEce: 'aECE',
      classwiseEce: 'cwECE',
      debiasedL2Ce: 'dL2CE',
      smoothEce: 'smECE',
    };
    process.stdout.write(
      formatTable(rows, [
        { header: 'exit', value: (r: ExitRow) => r.exit, digits: 0 },
        ...EXIT_METRIC_NAMES.map((m) => ({ header: label[m], value: (r: ExitRow) => r[m] })),
      ]),
    );
    if (replicates > 0) {
      console.log(
        `\n${(level * 100).toFixed(1)}% percentile-bootstrap intervals (${replicates} resamples, seed ${seed}):`,
      );
      process.stdout.write(
        formatTable(rows, [
          { header: 'exit', value: (r: ExitRow) => r.exit, digits: 0 },
          ...EXIT_METRIC_NAMES.map((m) => ({
            header: label[m],
            value: (r: ExitRow) => `[${r.ci![m][0].toFixed(4)}, ${r.ci![m][1].toFixed(4)}]`,
          })),
        ]),
      );
    }
    return 0;
  },
};
