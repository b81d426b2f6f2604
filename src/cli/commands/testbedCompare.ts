import * as fs from 'node:fs';
import * as path from 'node:path';
import { countOption, gridOption, numberOption, parseCommandArgs, requiredOption } from '../args';
import { ConfigError, RecordFormatError } from '../../errors';
import { readRecords } from '../../records/csv';
import { readCalibrationFile } from '../../calibration/calibrationFile';
import { recordsKeys } from '../../study/offloadingInputs';
import { readMeasuredRecords, recordsSubset, type MeasuredRow, type MeasuredSidecar } from '../../records/measuredRecords';
import { measuredSampleTimes } from '../../offloading/measuredTimes';
import { constantSampleTimes } from '../../offloading/sampleTimes';
import { missedDeadlineProbability } from '../../offloading/missedDeadline';
import { cascadeLatency, stageTimesFromSidecar, type CascadeLatency } from '../../offloading/latencyModel';
import { latencyComparison, type LatencyComparisonRow } from '../../offloading/measuredVsModelled';
import { deadlineVsModelledFigure, latencyVsModelledFigure, type DeadlineCurve } from '../../plots/testbedFigures';
import { saveFigure } from '../../plots/export/saveFigure';
import { markdownTable } from '../../report/markdownTable';
import { writeFileAtomic } from '../../util/atomicWrite';

export const COMPARE_HELP = `usage: eecal testbed compare --measured DIR --records test.csv [--calibration calib.json] --out DIR
                             [--p-tar P] [--deadline GRID(s)] [--rtt-ms R] [--cloud-speedup 10 | --cloud-ms MS]
                             [--batch-size 16] [--rounds 100] [--seed 0]

Measured against modelled. DIR holds measured.csv (one run) or one folder per uplink rate, each with
a measured.csv whose sidecar states its uplink (scripts/testbed-net.sh writes both). For each rate:
  latency.csv     median and 95th percentile (distribution-free 95 % intervals) of the upload, of
                  offloaded samples end to end (total_ms) and of samples answered at each device exit,
                  against the latency model (sidecar device times, split tensor / uplink, --rtt-ms
                  (default: the run's configured delay, else 0), cloud = device time / --cloud-speedup
                  or --cloud-ms), with relative errors
  deadline.csv    P[missed deadline] of the measured samples with measured times and with modelled
                  times, uncalibrated (method none) and with the calibration file's method, 95 % CIs
                  over rounds of shuffled batches (--batch-size, default 16: a run measures hundreds of
                  samples, not 10,000), and whether the two intervals overlap
  comparison.md   both tables; latency-vs-modelled.{json,html}, deadline-vs-modelled.{json,html}: figures`;

interface Run {
  name: string;
  csv: string;
  rows: MeasuredRow[];
  meta: MeasuredSidecar;
}

function findRuns(dir: string): Run[] {
  const open = (name: string, csv: string): Run => {
    const { rows, meta } = readMeasuredRecords(csv);
    if (!meta) throw new RecordFormatError(`${csv}: its sidecar (measured.json) is missing; the comparison needs the run's uplink rate`);
    if (!(meta.link?.uplinkMbps && meta.link.uplinkMbps > 0)) throw new RecordFormatError(`${csv}: the sidecar does not state the uplink (link.uplinkMbps); run eecal testbed with --uplink-mbps`);
    return { name, csv, rows, meta };
  };
  if (fs.existsSync(path.join(dir, 'measured.csv'))) return [open(path.basename(dir), path.join(dir, 'measured.csv'))];
  if (!fs.existsSync(dir)) throw new ConfigError(`--measured ${dir}: not found`);
  const runs = fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'measured.csv')))
    .map((d) => open(d.name, path.join(dir, d.name, 'measured.csv')));
  if (runs.length === 0) throw new ConfigError(`--measured ${dir}: no measured.csv in it or in its sub-folders (expected eecal testbed output)`);
  return runs.sort((a, b) => a.meta.link.uplinkMbps! - b.meta.link.uplinkMbps!);
}

const fmt = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
const pct = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)} %`);

export async function testbedCompare(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs('testbed compare', argv, {
    measured: { type: 'string' }, records: { type: 'string' }, calibration: { type: 'string' }, out: { type: 'string' },
    'p-tar': { type: 'string' }, deadline: { type: 'string' }, 'rtt-ms': { type: 'string' }, 'cloud-speedup': { type: 'string' }, 'cloud-ms': { type: 'string' },
    'batch-size': { type: 'string' }, rounds: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) { console.log(COMPARE_HELP); return 0; }
  const runs = findRuns(requiredOption('measured', v.measured));
  const records = readRecords(requiredOption('records', v.records));
  const outDir = requiredOption('out', v.out);
  const calibration = v.calibration ? { file: readCalibrationFile(v.calibration), path: v.calibration } : undefined;
  if (v['cloud-ms'] !== undefined && v['cloud-speedup'] !== undefined) throw new ConfigError('--cloud-ms and --cloud-speedup are exclusive');
  const cloud = v['cloud-ms'] !== undefined ? { ms: numberOption('cloud-ms', v['cloud-ms'], undefined, { min: 0 }) } : { speedup: numberOption('cloud-speedup', v['cloud-speedup'], 10, { min: 1e-9 }) };
  const batch = {
    batchSize: countOption('batch-size', v['batch-size'], 16, 1, 1_000_000),
    rounds: countOption('rounds', v.rounds, 100, 2, 100_000),
    seed: numberOption('seed', v.seed, 0, { integer: true }),
  };
  const stage = stageTimesFromSidecar(records.meta, records.numExits, { kind: 'measured' });

  const latencyRows: Array<LatencyComparisonRow & { uplink: string; uplinkMbps: number }> = [];
  const curves: DeadlineCurve[] = [];
  const deadlineRows: string[][] = [];
  const csvDeadline = ['uplink,uplink_mbps,method,p_tar,deadline_ms,measured,measured_ci_low,measured_ci_high,modelled,modelled_ci_low,modelled_ci_high,intervals_overlap'];
  for (const run of runs) {
    const k = run.meta.model.edgeExits;
    const rtt = numberOption('rtt-ms', v['rtt-ms'], run.meta.link.configuredDelayMs ?? 0, { min: 0 });
    const mbps = run.meta.link.uplinkMbps!;
    const lat: CascadeLatency = cascadeLatency(stage, { uplinkMbps: mbps, rttMs: rtt, cloud, tensorDtype: run.meta.wire === 'float16' ? 'fp16' : 'fp32' }, k);
    for (const r of latencyComparison(run.rows, lat)) latencyRows.push({ ...r, uplink: run.name, uplinkMbps: mbps });

    const pTars = v['p-tar'] !== undefined ? gridOption('p-tar', v['p-tar']) : [...new Set(run.rows.map((r) => r.pTar))].sort((a, b) => a - b);
    const slowest = Math.max(...run.rows.map((r) => r.ms.total_ms), lat.offloadMs);
    const deadlinesMs = v.deadline !== undefined
      ? gridOption('deadline', v.deadline).map((s) => Number((s * 1000).toPrecision(12)))
      : Array.from({ length: 41 }, (_, i) => Number(((i * 1.1 * slowest) / 40).toPrecision(6)));
    const methods = [{ name: 'none', calibrated: false }, ...(calibration ? [{ name: calibration.file.method, calibrated: true }] : [])];
    for (const m of methods) {
      for (const p of pTars) {
        const mt = measuredSampleTimes(run.rows, m.name, p, k, 'total_ms', run.csv);
        const inputs = recordsKeys(recordsSubset(records, mt.samples, v.records), m.calibrated ? calibration : undefined);
        const keys = m.calibrated ? inputs.calibrated! : inputs.uncalibrated;
        const opts = { edgeExits: k, deadlinesMs, ...batch };
        const meas = missedDeadlineProbability(keys, [p], mt.times, opts);
        const model = missedDeadlineProbability(keys, [p], constantSampleTimes(lat, mt.samples.length), opts);
        const curve = (source: 'measured' | 'modelled', rows: typeof meas): DeadlineCurve => ({
          uplink: run.name, method: m.name, pTar: p, source, deadlineMs: rows.map((r) => r.deadlineMs), missed: rows.map((r) => r.missedProbability),
          ciLow: rows.map((r) => r.ciLow), ciHigh: rows.map((r) => r.ciHigh),
        });
        curves.push(curve('measured', meas), curve('modelled', model));
        let disagree = 0;
        meas.forEach((r, j) => {
          const o = model[j];
          const overlap = r.ciLow === null || o.ciLow === null ? null : r.ciLow <= (o.ciHigh as number) && o.ciLow <= (r.ciHigh as number);
          if (overlap === false) disagree++;
          csvDeadline.push([run.name, mbps, m.name, p, r.deadlineMs, r.missedProbability, r.ciLow, r.ciHigh, o.missedProbability, o.ciLow, o.ciHigh, overlap === null ? '' : overlap ? 1 : 0].join(','));
        });
        // The table shows the deadline where the two differ most.
        const worst = meas.reduce((b, r, j) => (Math.abs(r.missedProbability - model[j].missedProbability) > Math.abs(meas[b].missedProbability - model[b].missedProbability) ? j : b), 0);
        const r = meas[worst];
        const o = model[worst];
        deadlineRows.push([run.name, m.name, String(p), String(mt.samples.length), fmt(r.deadlineMs, 0),
          `${fmt(r.missedProbability, 3)} [${fmt(r.ciLow, 3)}, ${fmt(r.ciHigh, 3)}]`, `${fmt(o.missedProbability, 3)} [${fmt(o.ciLow, 3)}, ${fmt(o.ciHigh, 3)}]`,
          `${disagree} of ${meas.length}`]);
      }
    }
  }

  fs.mkdirSync(outDir, { recursive: true });
  const q = (x: number | null) => (x === null ? '' : String(Number(x.toPrecision(6))));
  writeFileAtomic(path.join(outDir, 'latency.csv'), ['uplink,uplink_mbps,quantity,n,modelled_ms,median_ms,median_ci_low,median_ci_high,p95_ms,p95_ci_low,p95_ci_high,median_rel_error,p95_rel_error',
    ...latencyRows.map((r) => [r.uplink, r.uplinkMbps, r.quantity, r.n, q(r.modelledMs), q(r.medianMs), q(r.medianCi?.[0] ?? null), q(r.medianCi?.[1] ?? null), q(r.p95Ms), q(r.p95Ci?.[0] ?? null), q(r.p95Ci?.[1] ?? null), q(r.medianRelError), q(r.p95RelError)].join(','))].join('\n') + '\n');
  writeFileAtomic(path.join(outDir, 'deadline.csv'), csvDeadline.join('\n') + '\n');
  const first = runs[0].meta;
  const md = [
    `# Testbed: measured against modelled latency`,
    '',
    `Model ${first.model.architecture} (${first.model.digest}), k = ${first.model.edgeExits}, ${first.dataset} ${first.split} split; wire ${first.wire}; ` +
      `runs: ${runs.map((r) => `${r.name} (${r.meta.link.uplinkMbps} Mbit/s, ${r.rows.length} answers)`).join(', ')}. ` +
      `Measured on: ${JSON.stringify(first.machine)}. Link: ${first.link.note ?? 'not stated'}; configured delay ${first.link.configuredDelayMs ?? 0} ms (a setting, not part of any measured time).`,
    '',
    `Model: device times from the records' sidecar, split tensor / uplink, RTT ${v['rtt-ms'] ?? 'as configured (0 unless stated)'} ms, cloud ${'speedup' in cloud ? `device time / ${cloud.speedup}` : `${cloud.ms} ms`}. Relative error = (measured − modelled) / modelled; intervals are distribution-free 95 % intervals of the quantile.`,
    '',
    markdownTable(['uplink', 'quantity', 'n', 'modelled ms', 'median ms [95 % CI]', 'p95 ms [95 % CI]', 'median rel. error', 'p95 rel. error'],
      latencyRows.map((r) => [r.uplink, r.quantity, String(r.n), fmt(r.modelledMs), `${fmt(r.medianMs)} [${fmt(r.medianCi?.[0] ?? null)}, ${fmt(r.medianCi?.[1] ?? null)}]`, `${fmt(r.p95Ms)} [${fmt(r.p95Ci?.[0] ?? null)}, ${fmt(r.p95Ci?.[1] ?? null)}]`, pct(r.medianRelError), pct(r.p95RelError)]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']),
    '',
    `## P[missed deadline]: measured times against modelled times`,
    '',
    `On the measured samples, batches of ${batch.batchSize}, ${batch.rounds} rounds (seed ${batch.seed}), 95 % CI over rounds. A batch misses when its accuracy < p_tar or its mean time > the deadline. Shown: the deadline where measured and modelled differ most; "CIs disjoint" counts the deadlines of the grid where the two intervals do not overlap (all deadlines in deadline.csv).`,
    '',
    markdownTable(['uplink', 'method', 'p_tar', 'samples', 'deadline ms', 'measured P_miss [95 % CI]', 'modelled P_miss [95 % CI]', 'CIs disjoint'], deadlineRows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']),
    '',
  ].join('\n');
  writeFileAtomic(path.join(outDir, 'comparison.md'), md);
  const title = `${first.model.architecture}, k = ${first.model.edgeExits}: measured vs latency model`;
  await saveFigure(latencyVsModelledFigure(latencyRows.filter((r) => r.quantity === 'upload' || r.quantity === 'offloaded'), title), outDir, 'latency-vs-modelled', null, { formats: ['json', 'html'] });
  await saveFigure(deadlineVsModelledFigure(curves, 'P[missed deadline]: measured (solid, 95 % CI) vs modelled (dashed) times'), outDir, 'deadline-vs-modelled', null, { formats: ['json', 'html'] });
  console.error(`wrote ${path.join(outDir, 'comparison.md')}, latency.csv, deadline.csv and two figures`);
  return 0;
}
