import * as fs from 'node:fs';
import * as path from 'node:path';
import { countOption, gridOption, numberOption, parseCommandArgs, requiredOption } from '../args';
import { ConfigError } from '../../errors';
import { readRecords } from '../../records/csv';
import { readCalibrationFile } from '../../calibration/calibrationFile';
import { readMeasuredRuns } from '../../records/measuredRecords';
import { compareTestbedRuns, DEFAULT_TESTBED_COMPARISON, type TestbedComparison } from '../../study/testbedComparison';
import { DEFAULT_TESTBED_DEADLINE_CLAIM } from '../../study/testbedDeadlineClaim';
import { testbedComparisonMarkdown } from '../../report/testbedMarkdown';
import { deadlineCurves, latencyVsModelledFigure, deadlineVsModelledFigure } from '../../plots/testbedFigures';
import { saveFigure } from '../../plots/export/saveFigure';
import { writeFileAtomic } from '../../util/atomicWrite';

export const COMPARE_HELP = `usage: eecal testbed compare --measured DIR --records test.csv [--calibration calib.json] --out DIR
                             [--p-tar P] [--deadline GRID(s)] [--rtt-ms R] [--cloud-speedup 10 | --cloud-ms MS]
                             [--batch-size 16] [--rounds 100] [--seed 0] [--claim-deadline S]

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
  deadline-claims.csv  with --calibration: "calibration lowers P[missed deadline]" per uplink and p_tar,
                  judged on measured and on modelled times of the same images (paired bootstrap over
                  images; Δ = method − none, its 95 % interval and the verdict read from it), at
                  --claim-deadline seconds (default: each run's modelled offloading latency)
  comparison.md   the tables and the claim; latency-vs-modelled.{json,html}, deadline-vs-modelled.{json,html}: figures`;

const num = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(Number(x.toPrecision(6))));

function latencyCsv(c: TestbedComparison): string {
  return (
    [
      'uplink,uplink_mbps,quantity,n,modelled_ms,median_ms,median_ci_low,median_ci_high,p95_ms,p95_ci_low,p95_ci_high,median_rel_error,p95_rel_error',
      ...c.latency.map((r) =>
        [
          r.uplink,
          r.uplinkMbps,
          r.quantity,
          r.n,
          num(r.modelledMs),
          num(r.medianMs),
          num(r.medianCi?.[0]),
          num(r.medianCi?.[1]),
          num(r.p95Ms),
          num(r.p95Ci?.[0]),
          num(r.p95Ci?.[1]),
          num(r.medianRelError),
          num(r.p95RelError),
        ].join(','),
      ),
    ].join('\n') + '\n'
  );
}

function deadlineCsv(c: TestbedComparison): string {
  const lines = [
    'uplink,uplink_mbps,method,p_tar,samples,deadline_ms,measured,measured_ci_low,measured_ci_high,modelled,modelled_ci_low,modelled_ci_high,intervals_overlap',
  ];
  for (const d of c.deadline) {
    d.measured.forEach((r, j) => {
      const o = d.modelled[j];
      lines.push(
        [
          d.uplink,
          d.uplinkMbps,
          d.method,
          d.pTar,
          d.samples,
          r.deadlineMs,
          num(r.missedProbability),
          num(r.ciLow),
          num(r.ciHigh),
          num(o.missedProbability),
          num(o.ciLow),
          num(o.ciHigh),
          d.overlap[j] === null ? '' : d.overlap[j] ? 1 : 0,
        ].join(','),
      );
    });
  }
  return lines.join('\n') + '\n';
}

function deadlineClaimsCsv(c: TestbedComparison): string {
  const lines = [
    'uplink,uplink_mbps,p_tar,method,deadline_ms,deadline_from,pairs,unpaired,times,p_miss_none,p_miss_method,delta,delta_low,delta_high,level,verdict,note',
  ];
  // Not judged (too few pairs): empty numbers and the reason, never "NaN".
  const fin = (x: number | null) => (x === null || !Number.isFinite(x) ? '' : num(x));
  for (const d of c.deadlineClaims) {
    for (const times of ['measured', 'modelled'] as const) {
      const j = d[times];
      lines.push(
        [
          d.uplink,
          d.uplinkMbps,
          d.pTar,
          d.method,
          num(d.deadlineMs),
          d.deadlineFrom,
          d.pairs,
          d.unpaired,
          times,
          fin(j.uncalibrated),
          fin(j.calibrated),
          fin(j.delta.estimate),
          fin(j.delta.low),
          fin(j.delta.high),
          j.delta.level,
          j.verdict,
          (j.delta.note ?? '').replace(/,/g, ';'),
        ].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

export async function testbedCompare(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs('testbed compare', argv, {
    measured: { type: 'string' },
    records: { type: 'string' },
    calibration: { type: 'string' },
    out: { type: 'string' },
    'p-tar': { type: 'string' },
    deadline: { type: 'string' },
    'rtt-ms': { type: 'string' },
    'cloud-speedup': { type: 'string' },
    'cloud-ms': { type: 'string' },
    'batch-size': { type: 'string' },
    rounds: { type: 'string' },
    seed: { type: 'string' },
    'claim-deadline': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.help) {
    console.log(COMPARE_HELP);
    return 0;
  }
  const measured = requiredOption('measured', v.measured);
  const recordsPath = requiredOption('records', v.records);
  const outDir = requiredOption('out', v.out);
  if (v['cloud-ms'] !== undefined && v['cloud-speedup'] !== undefined)
    throw new ConfigError('--cloud-ms and --cloud-speedup are exclusive');
  const d = DEFAULT_TESTBED_COMPARISON;
  const settings = {
    cloud:
      v['cloud-ms'] !== undefined
        ? { ms: numberOption('cloud-ms', v['cloud-ms'], undefined, { min: 0 }) }
        : { speedup: numberOption('cloud-speedup', v['cloud-speedup'], 10, { min: 1e-9 }) },
    rttMs: v['rtt-ms'] === undefined ? null : numberOption('rtt-ms', v['rtt-ms'], undefined, { min: 0 }),
    pTars: v['p-tar'] === undefined ? null : gridOption('p-tar', v['p-tar']),
    deadlinesMs:
      v.deadline === undefined
        ? null
        : gridOption('deadline', v.deadline).map((s) => Number((s * 1000).toPrecision(12))),
    batchSize: countOption('batch-size', v['batch-size'], d.batchSize, 1, 1_000_000),
    rounds: countOption('rounds', v.rounds, d.rounds, 2, 100_000),
    seed: numberOption('seed', v.seed, d.seed, { integer: true }),
  };
  const claimDeadlineMs =
    v['claim-deadline'] === undefined
      ? null
      : Number((numberOption('claim-deadline', v['claim-deadline'], undefined, { min: 0 }) * 1000).toPrecision(12));
  const claim = {
    ...DEFAULT_TESTBED_DEADLINE_CLAIM,
    batchSize: settings.batchSize,
    pointRounds: settings.rounds,
    seed: settings.seed,
    deadlineMs: claimDeadlineMs,
  };
  const runs = readMeasuredRuns(measured);
  const records = readRecords(recordsPath);
  const calibration = v.calibration ? { file: readCalibrationFile(v.calibration), path: v.calibration } : undefined;
  const c = compareTestbedRuns(runs, records, calibration, { ...settings, claim });
  fs.mkdirSync(outDir, { recursive: true });
  writeFileAtomic(path.join(outDir, 'latency.csv'), latencyCsv(c));
  writeFileAtomic(path.join(outDir, 'deadline.csv'), deadlineCsv(c));
  if (c.deadlineClaims.length > 0) writeFileAtomic(path.join(outDir, 'deadline-claims.csv'), deadlineClaimsCsv(c));
  writeFileAtomic(path.join(outDir, 'comparison.md'), testbedComparisonMarkdown(runs, c));
  const first = runs[0].meta.model;
  await saveFigure(
    latencyVsModelledFigure(
      c.latency.filter((r) => r.quantity === 'upload' || r.quantity === 'offloaded'),
      `${first.architecture}, k = ${first.edgeExits}: measured vs latency model`,
    ),
    outDir,
    'latency-vs-modelled',
    null,
    { formats: ['json', 'html'] },
  );
  await saveFigure(
    deadlineVsModelledFigure(
      deadlineCurves(c.deadline),
      'P[missed deadline]: measured (solid, 95 % CI) vs modelled (dashed) times',
    ),
    outDir,
    'deadline-vs-modelled',
    null,
    { formats: ['json', 'html'] },
  );
  console.error(
    `wrote ${path.join(outDir, 'comparison.md')}, latency.csv, deadline.csv${c.deadlineClaims.length > 0 ? ', deadline-claims.csv' : ''} and two figures (json, html)`,
  );
  return 0;
}
