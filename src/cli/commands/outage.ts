import type { Command } from '../main';
import { parseCommandArgs } from '../args';
import { decisionPTar } from '../riskDecision';
import { checkResultSize } from '../limits';
import {
  BATCH_HELP,
  BATCH_OPTIONS,
  COMMON_HELP,
  COMMON_OPTIONS,
  batchOptions,
  emit,
  layoutOptions,
  outputFormat,
  pTarGrid,
  recordsOption,
} from '../offloadingOptions';
import { loadOffloadingInputs } from '../offloadingInputs';
import { outageProbability, type OutageRow } from '../../offloading/outage';
import { formatCsv, formatTable, type Column } from '../tableText';
import { readMeasuredRecords } from '../../records/measuredRecords';
import { readCalibrationFile } from '../../calibration/calibrationFile';
import { measuredOutage } from '../../offloading/measuredOutage';

const HELP = `usage: eecal outage --records FILE.csv [--calibration calib.json] [--edge-exits K] [--p-tar 0.5:0.95:0.05]
                    [--batch-size 256] [--rounds 100] [--seed 0] [--json|--csv]

Edge inference outage probability (docs/paper-notes.md#outage): per round, shuffle the samples and cut them into
batches (the last, partial batch kept); a batch is in outage when it has device-classified samples and
their accuracy is < p_tar (strict); a batch with no device sample is not an outage. Mean over rounds and
95 % CI = mean ± 1.959964·sd/√R (ddof 1). p_tar is both the exit threshold and the accuracy target.

${COMMON_HELP}
  --p-tar GRID              p_tar values, each in [0, 1] (default 0.5:0.95:0.05)
  --decision FILE           use the certified threshold of a decision file (eecal threshold --out) as
                            the only p_tar; its k and calibration must match --edge-exits / --calibration
${BATCH_HELP}
  --measured FILE.csv       measured records of eecal testbed: outage of the answers the edge really
                            gave (device exits and cloud-failure fallbacks), uncalibrated rows from its
                            method "none", calibrated ones from the calibration file's method

JSON: {"rows":[{"pTar","outageProbability","ciLow","ciHigh"}], "uncalibrated"?: {"rows":[…]}, …};
with --calibration "rows" are calibrated. The fallback flag does not change outage (device answers only).`;

export const outageCommand: Command = {
  summary: 'inference outage probability over a p_tar grid',
  async run(argv) {
    const { values: v } = parseCommandArgs('outage', argv, {
      ...COMMON_OPTIONS,
      ...BATCH_OPTIONS,
      'p-tar': { type: 'string' },
      measured: { type: 'string' },
      decision: { type: 'string' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const format = outputFormat(v);
    const batch = batchOptions(v);
    const decision =
      v.decision === undefined
        ? null
        : decisionPTar(v.decision, v['p-tar'] !== undefined, v['edge-exits'], v.calibration !== undefined);
    if (decision) v['edge-exits'] = decision.edgeExits;
    const grid = decision ? decision.grid : pTarGrid(v, 'p-tar', '0.5:0.95:0.05');
    checkResultSize([
      ['--rounds', batch.rounds],
      ['--p-tar points', grid.length],
    ]);
    const inputs = loadOffloadingInputs(recordsOption(v), v.calibration, 'confidence', { strict: v.strict });
    const layout = layoutOptions(v, inputs.records);
    const measured = v.measured ? readMeasuredRecords(v.measured).rows : null;
    const fromRun = (method: string): OutageRow[] =>
      grid.map((p) => {
        const r = measuredOutage(measured!, method, p, batch, v.measured);
        console.error(
          `outage: ${method} at p_tar ${p}: ${r.samples} measured answers, ${r.fallbacks} cloud-failure fallbacks`,
        );
        return { pTar: r.pTar, outageProbability: r.outageProbability, ciLow: r.ciLow, ciHigh: r.ciHigh };
      });
    const uncal = measured ? fromRun('none') : outageProbability(inputs.uncalibrated, grid, { ...layout, ...batch });
    const cal =
      measured && v.calibration
        ? fromRun(readCalibrationFile(v.calibration).method)
        : inputs.calibrated
          ? outageProbability(inputs.calibrated, grid, { ...layout, ...batch })
          : null;
    console.error(
      `outage: ${inputs.records.numSamples} samples, k = ${layout.edgeExits}, ${batch.rounds} rounds × batches of ${batch.batchSize}, seed ${batch.seed}`,
    );
    if (format === 'json') {
      const out = {
        edgeExits: layout.edgeExits,
        disabled: [...layout.disabled],
        calibration: v.calibration ?? null,
        ...batch,
        rows: cal ?? uncal,
        ...(cal ? { uncalibrated: { rows: uncal } } : {}),
      };
      emit(JSON.stringify(out) + '\n', v.out);
      return 0;
    }
    const table = (cal ?? uncal).map((r, i) => ({ r, u: uncal[i] }));
    const cols: Column<{ r: OutageRow; u: OutageRow }>[] = [{ header: 'p_tar', key: 'pTar', value: ({ r }) => r.pTar }];
    if (cal) {
      cols.push({
        header: 'P_out(uncal)',
        key: 'uncalibrated_outageProbability',
        value: ({ u }) => u.outageProbability,
      });
      cols.push({ header: 'ci_lo(uncal)', key: 'uncalibrated_ciLow', value: ({ u }) => u.ciLow });
      cols.push({ header: 'ci_hi(uncal)', key: 'uncalibrated_ciHigh', value: ({ u }) => u.ciHigh });
    }
    const tag = cal ? '(cal)' : '';
    cols.push({ header: `P_out${tag}`, key: 'outageProbability', value: ({ r }) => r.outageProbability });
    cols.push({ header: `ci_lo${tag}`, key: 'ciLow', value: ({ r }) => r.ciLow });
    cols.push({ header: `ci_hi${tag}`, key: 'ciHigh', value: ({ r }) => r.ciHigh });
    emit(format === 'csv' ? formatCsv(table, cols) : formatTable(table, cols), v.out);
    return 0;
  },
};
