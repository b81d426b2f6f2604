import type { Command } from '../main';
import { countOption, gridOption, numberOption, parseCommandArgs } from '../args';
import { decisionPTar } from '../riskDecision';
import { checkResultSize, MAX_REPLICATES } from '../limits';
import { ConfigError } from '../../errors';
import { checkWritable } from '../../util/writeAccess';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  emit,
  layoutOptions,
  namingSidecar,
  outputFormat,
  pTarGrid,
  recordsOption,
} from '../offloadingOptions';
import { loadOffloadingInputs } from '../offloadingInputs';
import type { ExitPolicy } from '../../study/offloadingInputs';
import { deviceMacsFromSidecar } from '../../offloading/deviceCost';
import { sweepThresholds, type SweepRow } from '../../offloading/thresholdSweep';
import { entropyKeyThreshold, sweepEntropyThresholds } from '../../offloading/entropyPolicy';
import { bootstrapKeyBands, type SweepBand } from '../../offloading/bootstrapBands';
import type { CascadeKeys } from '../../cascade/cascadeKeys';
import { formatCsv, formatTable, type Column } from '../tableText';
import { moduleCalibration, MODULE_EVAL_HELP } from '../methodModule';
import { readRecords } from '../../records/csv';
import { recordsKeys } from '../../study/offloadingInputs';

const HELP = `usage: eecal sweep --records FILE.csv [--calibration calib.json | --method-module FILE --fit-records val.csv] [--edge-exits K] [--p-tar 0.5:1:0.05]
                   [--fallback final|most-confident] [--disable I,J] [--bootstrap B --seed S] [--json|--csv]

Offloading probability, on-device accuracy (null when the device keeps no sample), overall accuracy,
the fraction answered at each device exit and offloaded, and expected device MACs (from the sidecar)
at every p_tar of a grid, computed for all thresholds at once. A device exit answers when its
max-softmax confidence ≥ p_tar (docs/paper-notes.md#exit-rule).

${COMMON_HELP}
${MODULE_EVAL_HELP}
  --p-tar GRID              p_tar values: start:stop:step or a comma list, each in [0, 1] (default 0.5:1:0.05)
  --decision FILE           use the certified threshold of a decision file (eecal threshold --out) as
                            the only p_tar; its k and calibration must match --edge-exits / --calibration
  --policy confidence|entropy   exit rule (default confidence); entropy = BranchyNet's H < τ
  --threshold GRID          entropy thresholds τ in nats for --policy entropy (default 0:2:0.1)
  --score FORMULA           confidence policy with a custom score instead of max-softmax: a math
                            formula (mathjs syntax, no code) of pmax, p2, margin (= pmax − p2),
                            entropy (nats), C and p (the probability vector, 1-based), computed on
                            the calibrated probabilities when --calibration is given; a device exit
                            answers when score ≥ p_tar. E.g. --score "margin" or
                            --score "1 - entropy / log(C)"
  --bootstrap B             add percentile-bootstrap 95 % bands from B resamples (default 0: none)
  --seed S                  seed of the bootstrap (default 0)

JSON: {"rows":[{"pTar","offloadProbability","onDeviceAccuracy","overallAccuracy","exitFractions":[…],
"expectedDeviceMacs", "ci"?}], "uncalibrated"?: {"rows":[…]}, …}. With --calibration, "rows" are
calibrated and "uncalibrated" holds the same sweep without calibration. exitFractions has k+1 entries:
device exits 1…k, then the offloaded fraction. Entropy rows carry "entropyThreshold" instead of "pTar".`;

type Row = Omit<SweepRow, 'pTar'> & { pTar?: number; entropyThreshold?: number; ci?: SweepBand };

export const sweepCommand: Command = {
  summary: 'offloading probability and accuracy over a p_tar grid',
  async run(argv) {
    const { values: v } = parseCommandArgs('sweep', argv, {
      ...COMMON_OPTIONS,
      'p-tar': { type: 'string' },
      decision: { type: 'string' },
      policy: { type: 'string' },
      threshold: { type: 'string' },
      score: { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      'method-module': { type: 'string' },
      'fit-records': { type: 'string' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const format = outputFormat(v);
    const policy = (v.policy ?? 'confidence') as ExitPolicy;
    if (policy !== 'confidence' && policy !== 'entropy')
      throw new ConfigError(`--policy "${policy}": expected confidence or entropy`);
    if (policy === 'entropy' && v['p-tar'] !== undefined)
      throw new ConfigError('--policy entropy takes --threshold (τ in nats), not --p-tar');
    if (policy === 'confidence' && v.threshold !== undefined)
      throw new ConfigError('--threshold is for --policy entropy; use --p-tar');
    if (policy === 'entropy' && v.score !== undefined)
      throw new ConfigError(
        '--score is a custom confidence for --policy confidence; --policy entropy has its own score',
      );
    const replicates = countOption('bootstrap', v.bootstrap, 0, 0, MAX_REPLICATES);
    if (replicates === 1) throw new ConfigError('--bootstrap 1: expected 0 (no bands) or at least 2 resamples');
    const seed = numberOption('seed', v.seed, 0, { integer: true });
    if (v.decision !== undefined && (policy !== 'confidence' || v.score !== undefined))
      throw new ConfigError(
        '--decision certifies a max-softmax threshold: it cannot be combined with --policy entropy or --score',
      );
    const decision =
      v.decision === undefined
        ? null
        : decisionPTar(v.decision, v['p-tar'] !== undefined, v['edge-exits'], v.calibration !== undefined);
    if (decision) v['edge-exits'] = decision.edgeExits;
    const grid = decision
      ? decision.grid
      : policy === 'entropy'
        ? gridOption('threshold', v.threshold ?? '0:2:0.1')
        : pTarGrid(v, 'p-tar', '0.5:1:0.05');
    // The bands keep one value per resample, grid point and metric: bounded before the records are read.
    if (replicates > 0)
      checkResultSize([
        ['--bootstrap', replicates],
        [policy === 'entropy' ? '--threshold points' : '--p-tar points', grid.length],
      ]);
    // An unwritable --out is refused before the records are read and swept.
    if (v.out) checkWritable(v.out);
    const modulePath = v['method-module'];
    const inputs =
      modulePath === undefined && v['fit-records'] === undefined
        ? loadOffloadingInputs(recordsOption(v), v.calibration, policy, { score: v.score, strict: v.strict })
        : await moduleInputs(v, policy);
    const { records } = inputs;
    const layout = layoutOptions(v, records);
    const opts = {
      ...layout,
      deviceMacs: namingSidecar(v, () =>
        deviceMacsFromSidecar(records.meta, records.numExits, layout.edgeExits, layout.disabled),
      ),
    };
    const run = (keys: CascadeKeys): Row[] => {
      const rows: Row[] =
        policy === 'entropy' ? sweepEntropyThresholds(keys, grid, opts) : sweepThresholds(keys, grid, opts);
      if (replicates > 0) {
        const keyGrid = policy === 'entropy' ? grid.map(entropyKeyThreshold) : grid;
        bootstrapKeyBands(keys, keyGrid, { ...opts, replicates, seed }).forEach((b, i) => (rows[i].ci = b));
      }
      return rows;
    };
    const uncal = run(inputs.uncalibrated);
    const cal = inputs.calibrated ? run(inputs.calibrated) : null;
    const primary = cal ?? uncal;
    console.error(
      `sweep: ${records.numSamples} samples, ${records.numExits} exits, k = ${layout.edgeExits}, ${grid.length} thresholds, ${policy} policy${cal ? ', calibrated and uncalibrated' : ''}`,
    );
    if (format === 'json') {
      const out = {
        policy,
        score: v.score ?? null,
        edgeExits: layout.edgeExits,
        fallback: layout.fallback,
        disabled: [...layout.disabled],
        calibration: v.calibration ?? null,
        ...(modulePath !== undefined ? { methodModule: modulePath } : {}),
        bootstrap: replicates > 0 ? { replicates, seed, level: 0.95 } : null,
        rows: primary,
        ...(cal ? { uncalibrated: { rows: uncal } } : {}),
      };
      emit(JSON.stringify(out) + '\n', v.out);
      return 0;
    }
    const cols = columns(policy, layout.edgeExits, opts.deviceMacs !== null, cal !== null, replicates > 0);
    const table = primary.map((r, i) => ({ r, u: uncal[i] }));
    emit(format === 'csv' ? formatCsv(table, cols) : formatTable(table, cols), v.out);
    return 0;
  },
};

/** Keys of --records under a method module fitted on --fit-records (and uncalibrated). */
async function moduleInputs(
  v: { records?: string; calibration?: string; 'method-module'?: string; 'fit-records'?: string; score?: string },
  policy: ExitPolicy,
) {
  const records = readRecords(recordsOption(v));
  const fitted = await moduleCalibration(v, records);
  if (policy === 'entropy')
    throw new ConfigError(
      '--policy entropy needs temperatures; --method-module calibrates with a function (use the confidence policy)',
    );
  return recordsKeys(records, fitted ? { file: fitted.calibration, path: fitted.path } : undefined, policy, {
    score: v.score,
  });
}

/** Table/CSV columns; CSV keys follow the JSON field names (uncalibrated ones prefixed). */
function columns(
  policy: ExitPolicy,
  k: number,
  macs: boolean,
  calibrated: boolean,
  bands: boolean,
): Column<{ r: Row; u: Row }>[] {
  const cols: Column<{ r: Row; u: Row }>[] = [
    policy === 'entropy'
      ? { header: 'tau', key: 'entropyThreshold', value: ({ r }) => r.entropyThreshold ?? null }
      : { header: 'p_tar', key: 'pTar', value: ({ r }) => r.pTar ?? null },
  ];
  const metric = (header: string, key: 'offloadProbability' | 'onDeviceAccuracy' | 'overallAccuracy') => {
    if (calibrated) cols.push({ header: `${header}(uncal)`, key: `uncalibrated_${key}`, value: ({ u }) => u[key] });
    cols.push({ header: calibrated ? `${header}(cal)` : header, key, value: ({ r }) => r[key] });
    if (bands) {
      cols.push({ header: `${header}_lo`, key: `${key}_low`, value: ({ r }) => (r.ci?.[key] ?? null)?.[0] ?? null });
      cols.push({ header: `${header}_hi`, key: `${key}_high`, value: ({ r }) => (r.ci?.[key] ?? null)?.[1] ?? null });
    }
  };
  metric('P_off', 'offloadProbability');
  metric('acc_device', 'onDeviceAccuracy');
  metric('acc_overall', 'overallAccuracy');
  for (let j = 0; j < k; j++)
    cols.push({ header: `exit${j + 1}`, key: `exitFraction${j + 1}`, value: ({ r }) => r.exitFractions[j] });
  cols.push({ header: 'offloaded', key: 'exitFractionOffloaded', value: ({ r }) => r.exitFractions[k] });
  if (macs)
    cols.push({ header: 'device_MACs', key: 'expectedDeviceMacs', value: ({ r }) => r.expectedDeviceMacs, digits: 0 });
  return cols;
}
