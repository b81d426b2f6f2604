import type { Command } from '../main';
import { gridOption, parseCommandArgs } from '../args';
import { decisionPTar } from '../riskDecision';
import { checkResultSize } from '../limits';
import { ConfigError } from '../../errors';
import {
  BATCH_HELP,
  BATCH_OPTIONS,
  COMMON_HELP,
  COMMON_OPTIONS,
  LATENCY_HELP,
  LATENCY_OPTIONS,
  batchOptions,
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
import { cascadeLatency } from '../../offloading/latencyModel';
import { constantSampleTimes, readSampleTimesCsv, type SampleTimes } from '../../offloading/sampleTimes';
import { missedDeadlineProbability, type DeadlineRow } from '../../offloading/missedDeadline';
import { formatCsv, formatTable, type Column } from '../tableText';
import { measuredDeadline } from '../measuredDeadline';

const HELP = `usage: eecal deadline --records FILE.csv [--calibration calib.json] [--edge-exits K] [--p-tar 0.8]
                      [--deadline 0:2:0.05] [--uplink 4g] [--rtt-ms 0] [--device-gmacs G | (sidecar times)]
                      [--cloud-speedup 10 | --cloud-ms MS] [--times times.csv] [--batch-size 256] [--rounds 100]
                      [--seed 0] [--json|--csv]

Missed-deadline probability (docs/paper-notes.md#missed-deadline): per round, shuffle and batch the samples; a batch misses
when its overall accuracy < p_tar OR its mean inference time > t_tar. Mean over rounds and 95 % CI.
Per-sample time: device time up to the answering exit; offloaded samples add RTT, split tensor /
uplink and the cloud time of the rest of the trunk (docs/paper-notes.md#latency-model), or measured times (--times).

${COMMON_HELP}
  --p-tar GRID              p_tar values, each in [0, 1] (default 0.8)
  --decision FILE           use the certified threshold of a decision file (eecal threshold --out) as
                            the only p_tar; its k and calibration must match --edge-exits / --calibration
  --deadline GRID           deadlines t_tar in seconds (default 0:2:0.05)
${BATCH_HELP}
${LATENCY_HELP}
  --times FILE.csv          replay measured per-sample times instead of the latency model: columns
                            exit1_ms…exitk_ms (answered at that exit) and offloadk_ms, one row per sample
  --measured FILE.csv       measured records of eecal testbed: the samples it measured, each with its
                            measured time (--measured-column, default total_ms) at each p_tar of the
                            grid; uncalibrated rows use its method "none", calibrated ones the
                            calibration file's method

JSON: {"rows":[{"pTar","tTar","deadlineMs","missedProbability","ciLow","ciHigh"}], "latency"?: {…},
"uncalibrated"?: {"rows":[…]}}; tTar in seconds, deadlineMs in milliseconds.`;

type Row = DeadlineRow & { tTar: number };

export const deadlineCommand: Command = {
  summary: 'missed-deadline probability over a deadline grid',
  async run(argv) {
    const { values: v } = parseCommandArgs('deadline', argv, {
      ...COMMON_OPTIONS,
      ...BATCH_OPTIONS,
      ...LATENCY_OPTIONS,
      'p-tar': { type: 'string' },
      decision: { type: 'string' },
      deadline: { type: 'string' },
      times: { type: 'string' },
      measured: { type: 'string' },
      'measured-column': { type: 'string' },
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
    const grid = decision ? decision.grid : pTarGrid(v, 'p-tar', '0.8');
    const deadlinesS = gridOption('deadline', v.deadline ?? '0:2:0.05');
    for (const t of deadlinesS) if (!(t >= 0)) throw new ConfigError(`--deadline: t_tar = ${t} s, expected ≥ 0`);
    checkResultSize([
      ['--rounds', batch.rounds],
      ['--p-tar points', grid.length],
      ['--deadline points', deadlinesS.length],
    ]);
    const inputs = loadOffloadingInputs(recordsOption(v), v.calibration, 'confidence', { strict: v.strict });
    const { records } = inputs;
    const layout = layoutOptions(v, records);
    let times: SampleTimes;
    let latency: unknown = null;
    let measured: ReturnType<typeof measuredDeadline> | null = null;
    if (v['measured-column'] !== undefined && !v.measured) throw new ConfigError('--measured-column needs --measured');
    if (v.measured) {
      const clash = [...Object.keys(LATENCY_OPTIONS), 'times'].filter((f) => v[f as keyof typeof v] !== undefined);
      if (clash.length > 0)
        throw new ConfigError(`--measured replays a testbed run; it cannot be combined with --${clash.join(', --')}`);
      const column = v['measured-column'] ?? 'total_ms';
      if (!column.endsWith('_ms'))
        throw new ConfigError(`--measured-column "${column}": expected a timing column (…_ms)`);
      measured = measuredDeadline(v.measured, column, records, v.calibration, grid, {
        ...layout,
        ...batch,
        deadlinesMs: deadlinesS.map((s) => Number((s * 1000).toPrecision(12))),
      });
      console.error(`deadline: ${measured.note}`);
      times = { exitMs: [], offloadMs: new Float64Array(0) };
    } else if (v.times) {
      const clash = Object.keys(LATENCY_OPTIONS).filter((f) => v[f as keyof typeof LATENCY_OPTIONS] !== undefined);
      if (clash.length > 0)
        throw new ConfigError(`--times replays measured times; it cannot be combined with --${clash.join(', --')}`);
      times = readSampleTimesCsv(v.times, records.numSamples, layout.edgeExits, layout.disabled);
    } else {
      const lat = cascadeLatency(
        stageTimesOption(v, records),
        networkOptions(v, uplinkList(v, false)[0], records.numExits - 1),
        layout.edgeExits,
        layout.disabled,
      );
      times = constantSampleTimes(lat, records.numSamples);
      latency = lat;
      console.error(
        `latency (ms): device exits ${lat.exitMs.map((t) => t.toFixed(3)).join(' / ')}; offloaded ${lat.offloadMs.toFixed(3)} = device ${lat.parts.deviceMs.toFixed(3)} + RTT ${lat.parts.rttMs} + upload ${lat.parts.uploadMs.toFixed(3)} + cloud ${lat.parts.cloudMs.toFixed(3)}`,
      );
    }
    // Seconds on the command line (the paper's axis), ms inside; rounding keeps 0.15 s = 150 ms exactly.
    const deadlinesMs = deadlinesS.map((s) => Number((s * 1000).toPrecision(12)));
    const run = (keys: typeof inputs.uncalibrated): Row[] =>
      missedDeadlineProbability(keys, grid, times, { ...layout, ...batch, deadlinesMs }).map((r, i) => ({
        ...r,
        tTar: deadlinesS[i % deadlinesS.length],
      }));
    const withT = (rows: DeadlineRow[]): Row[] =>
      rows.map((r, i) => ({ ...r, tTar: deadlinesS[i % deadlinesS.length] }));
    const uncal = measured ? withT(measured.uncal) : run(inputs.uncalibrated);
    const cal = measured
      ? measured.cal
        ? withT(measured.cal)
        : null
      : inputs.calibrated
        ? run(inputs.calibrated)
        : null;
    if (format === 'json') {
      const out = {
        edgeExits: layout.edgeExits,
        fallback: layout.fallback,
        disabled: [...layout.disabled],
        calibration: v.calibration ?? null,
        ...batch,
        latency,
        times: v.times ?? null,
        measured: v.measured ?? null,
        rows: cal ?? uncal,
        ...(cal ? { uncalibrated: { rows: uncal } } : {}),
      };
      emit(JSON.stringify(out) + '\n', v.out);
      return 0;
    }
    const table = (cal ?? uncal).map((r, i) => ({ r, u: uncal[i] }));
    const cols: Column<{ r: Row; u: Row }>[] = [
      { header: 'p_tar', key: 'pTar', value: ({ r }) => r.pTar },
      { header: 't_tar(s)', key: 'tTar', value: ({ r }) => r.tTar, digits: 3 },
    ];
    if (cal) {
      cols.push({
        header: 'P_miss(uncal)',
        key: 'uncalibrated_missedProbability',
        value: ({ u }) => u.missedProbability,
      });
      cols.push({ header: 'ci_lo(uncal)', key: 'uncalibrated_ciLow', value: ({ u }) => u.ciLow });
      cols.push({ header: 'ci_hi(uncal)', key: 'uncalibrated_ciHigh', value: ({ u }) => u.ciHigh });
    }
    const tag = cal ? '(cal)' : '';
    cols.push({ header: `P_miss${tag}`, key: 'missedProbability', value: ({ r }) => r.missedProbability });
    cols.push({ header: `ci_lo${tag}`, key: 'ciLow', value: ({ r }) => r.ciLow });
    cols.push({ header: `ci_hi${tag}`, key: 'ciHigh', value: ({ r }) => r.ciHigh });
    emit(format === 'csv' ? formatCsv(table, cols) : formatTable(table, cols), v.out);
    return 0;
  },
};
