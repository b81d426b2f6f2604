import type { Command } from '../main';
import { intListOption, parseCommandArgs } from '../args';
import { ConfigError } from '../../errors';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  LATENCY_HELP,
  LATENCY_OPTIONS,
  emit,
  layoutOptions,
  networkOptions,
  outputFormat,
  pTarGrid,
  recordsOption,
  stageTimesOption,
  uplinkList,
} from '../offloadingOptions';
import { loadOffloadingInputs } from '../offloadingInputs';
import { choosePartition, type PartitionRow } from '../../offloading/partition';
import type { CascadeKeys } from '../../cascade/cascadeKeys';
import { formatCsv, formatTable, type Column } from '../tableText';

const HELP = `usage: eecal partition --records FILE.csv [--calibration calib.json] [--p-tar 0.8] [--uplink 3g,4g,wifi]
                       [--candidates 1,2] [--rtt-ms 0] [--device-gmacs G] [--cloud-speedup 10 | --cloud-ms MS]
                       [--json|--csv]

Adaptive partitioning: for each uplink rate and p_tar, the expected latency of every number k of
device branches, E[T] = Σ_j P(exit j)·t_dev(j) + P_off·(t_dev(k) + RTT + upload + cloud), and the k
that minimises it among those whose on-device accuracy meets p_tar (among all k if none does).
With --calibration the choice uses the calibrated confidences; the uncalibrated one is reported too.

${COMMON_HELP.split('\n')
  .filter((l) => !l.includes('--edge-exits'))
  .join('\n')}
  --p-tar GRID              accuracy target(s) = exit threshold, each in [0, 1] (default 0.8)
  --candidates K,K          numbers of device branches to compare (default all: 1…exits−1)
${LATENCY_HELP.replace('(default 4g)', '(default 4g); a comma list compares several')}

JSON: {"rows":[{"uplinkMbps","pTar","edgeExits","expectedLatencyMs","offloadLatencyMs",
"offloadProbability","onDeviceAccuracy","overallAccuracy","meetsTarget","best"}], "uncalibrated"?: {…}}`;

export const partitionCommand: Command = {
  summary: 'number of device branches that minimises expected latency',
  async run(argv) {
    const { values: v } = parseCommandArgs('partition', argv, {
      ...COMMON_OPTIONS,
      ...LATENCY_OPTIONS,
      'p-tar': { type: 'string' },
      candidates: { type: 'string' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    if (v['edge-exits'] !== undefined)
      throw new ConfigError('eecal partition compares numbers of device branches; use --candidates, not --edge-exits');
    const format = outputFormat(v);
    const grid = pTarGrid(v, 'p-tar', '0.8');
    const uplinks = uplinkList(v, true);
    const inputs = loadOffloadingInputs(recordsOption(v), v.calibration, 'confidence', { strict: v.strict });
    const { records } = inputs;
    const { disabled, fallback } = layoutOptions(v, records);
    const B = records.numExits - 1;
    const candidates = v.candidates ? intListOption('candidates', v.candidates, 1, B) : undefined;
    const stage = stageTimesOption(v, records);
    const run = (keys: CascadeKeys): PartitionRow[] =>
      uplinks.flatMap((mbps) =>
        grid.flatMap((pTar) =>
          choosePartition(keys, { pTar, stage, network: networkOptions(v, mbps, B), fallback, disabled, candidates }),
        ),
      );
    const uncal = run(inputs.uncalibrated);
    const cal = inputs.calibrated ? run(inputs.calibrated) : null;
    const rows = cal ?? uncal;
    for (const r of rows.filter((x) => x.best)) {
      console.error(
        `uplink ${r.uplinkMbps} Mbit/s, p_tar ${r.pTar}: best k = ${r.edgeExits} (E[T] = ${r.expectedLatencyMs.toFixed(3)} ms${r.meetsTarget ? '' : ', no k meets the accuracy target'})`,
      );
    }
    if (format === 'json') {
      const out = {
        fallback,
        disabled: [...disabled],
        calibration: v.calibration ?? null,
        rows,
        ...(cal ? { uncalibrated: { rows: uncal } } : {}),
      };
      emit(JSON.stringify(out) + '\n', v.out);
      return 0;
    }
    const cols: Column<PartitionRow>[] = [
      { header: 'uplink', key: 'uplinkMbps', value: (r) => r.uplinkMbps, digits: 2 },
      { header: 'p_tar', key: 'pTar', value: (r) => r.pTar },
      { header: 'k', key: 'edgeExits', value: (r) => r.edgeExits, digits: 0 },
      { header: 'E[T]_ms', key: 'expectedLatencyMs', value: (r) => r.expectedLatencyMs, digits: 3 },
      { header: 'T_off_ms', key: 'offloadLatencyMs', value: (r) => r.offloadLatencyMs, digits: 3 },
      { header: 'P_off', key: 'offloadProbability', value: (r) => r.offloadProbability },
      { header: 'acc_device', key: 'onDeviceAccuracy', value: (r) => r.onDeviceAccuracy },
      { header: 'acc_overall', key: 'overallAccuracy', value: (r) => r.overallAccuracy },
      { header: 'meets', key: 'meetsTarget', value: (r) => r.meetsTarget },
      { header: 'best', key: 'best', value: (r) => (format === 'csv' ? r.best : r.best ? '*' : '') },
    ];
    emit(format === 'csv' ? formatCsv(rows, cols) : formatTable(rows, cols), v.out);
    return 0;
  },
};
