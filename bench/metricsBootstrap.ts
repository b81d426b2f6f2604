/**
 * `npm run bench:bootstrap [-- --records models/b-alexnet-cifar10/records/test.csv] [--rows 200]
 * [--replicates 1000,5000] [--runs 3] [--naive 10]` — what one bootstrap resample of
 * `eecal metrics --bootstrap` costs, against recomputing every metric per resample.
 *
 * 1. The command itself (built CLI, `npm run build` first), on the first `rows` rows of the records
 *    (written to a temporary file): `node bin/eecal.js metrics --records R --bootstrap B --json`
 *    minus the same command without `--bootstrap`, divided by B; user CPU and wall time, the
 *    minimum of `runs` runs each; the marginal cost is the slope between the two largest B.
 *    Once with the native addon and once with EECAL_NATIVE=0 (the JavaScript loops).
 * 2. The baseline, in this process: every metric recomputed on each gathered resample
 *    (`exitMetrics` of the resample's rows, what `metrics --bootstrap` did before it reweighted),
 *    the first `naive` seed-0 resamples of every exit, user CPU per resample.
 * The ratios printed are baseline / command. Process CPU (process.cpuUsage and /usr/bin/time's
 * user) counts the JIT's and GC's helper threads too; wall time is what a user waits for.
 * eecal d609bf9 (before the reweighting; it computed an older, cheaper smooth ECE) was measured on
 * the development machine with step 1's command: 18.55 ms of user time per resample on the first 200
 * rows of the shipped test records (B = 1000), 146.6 ms on all 10,000 (B = 100). With those records
 * and row counts the ratios to it are printed too.
 */
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRecords } from '../src/records/csv';
import { softmaxRows } from '../src/calibration/logitMath';
import { exitMetrics } from '../src/metrics/exitMetrics';
import { takeRows } from '../src/metrics/bootstrap';
import { createRng } from '../src/util/rng';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: 'models/b-alexnet-cifar10/records/test.csv' },
    rows: { type: 'string', default: '200' },
    replicates: { type: 'string', default: '1000,5000' },
    runs: { type: 'string', default: '3' },
    naive: { type: 'string', default: '10' },
  },
});
const rows = Number(values.rows);
/** d609bf9's user ms per resample for the shipped test records at this row count (see above), if measured. */
const before =
  path.resolve(values.records) === path.resolve('models/b-alexnet-cifar10/records/test.csv')
    ? ({ 200: 18.55, 10000: 146.6 } as Record<number, number>)[rows]
    : undefined;
const versus = (u: number, w: number) =>
  before === undefined ? '' : `; ${(before / u).toFixed(0)}× and ${(before / w).toFixed(0)}× d609bf9's ${before} ms`;
const reps = values.replicates.split(',').map(Number);
const runs = Number(values.runs);

// The first `rows` data rows of the records, in a temporary file (the CLI reads a file).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-bench-bootstrap-'));
const file = path.join(dir, 'records.csv');
const lines = fs.readFileSync(values.records, 'utf8').split('\n');
fs.writeFileSync(file, lines.slice(0, rows + 1).join('\n') + '\n');

/** Minimum user and wall seconds of `runs` runs of the metrics command with B resamples (0: none). */
function timeCommand(B: number, env: NodeJS.ProcessEnv): { user: number; wall: number } {
  let user = Infinity;
  let wall = Infinity;
  for (let r = 0; r < runs; r++) {
    const args = ['-f', '%U %e', process.execPath, 'bin/eecal.js', 'metrics', '--records', file, '--json'];
    if (B > 0) args.push('--bootstrap', String(B));
    const run = spawnSync('/usr/bin/time', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (run.status !== 0) throw new Error(`metrics --bootstrap ${B} failed: ${run.stderr.toString().trim()}`);
    const [u, w] = run.stderr.toString().trim().split('\n').pop()!.split(' ').map(Number);
    user = Math.min(user, u);
    wall = Math.min(wall, w);
  }
  return { user, wall };
}

// 2. The baseline: every metric recomputed on each gathered resample.
const rec = readRecords(file);
const C = rec.numClasses;
const n = rec.numSamples;
const naive = Number(values.naive);
const rng = createRng(0);
const draws = Array.from({ length: naive }, () => Int32Array.from({ length: n }, () => rng.int(n)));
const t0 = process.cpuUsage();
for (const logits of rec.logits) {
  const probs = softmaxRows(logits, C);
  for (const idx of draws) exitMetrics(takeRows(probs, idx, C), takeRows(rec.labels, idx), C);
}
const baseline = process.cpuUsage(t0).user / 1000 / naive;
console.log(
  `${n} rows, ${rec.logits.length} exits. Baseline (every metric recomputed per resample, first ${naive} resamples): ` +
    `${baseline.toFixed(2)} ms user per resample`,
);

// 1. The command, with and without the addon.
for (const [label, env] of [
  ['native addon', process.env],
  ['EECAL_NATIVE=0', { ...process.env, EECAL_NATIVE: '0' }],
] as const) {
  const none = timeCommand(0, env);
  const at = reps.map((B) => ({ B, ...timeCommand(B, env) }));
  for (const { B, user, wall } of at) {
    const u = ((user - none.user) / B) * 1000;
    const w = ((wall - none.wall) / B) * 1000;
    console.log(
      `${label}, B = ${B}: ${u.toFixed(3)} ms user, ${w.toFixed(3)} ms wall per resample ` +
        `(${(baseline / u).toFixed(0)}× the baseline's user time${versus(u, w)})`,
    );
  }
  if (at.length >= 2) {
    const [a, b] = at.slice(-2);
    const u = ((b.user - a.user) / (b.B - a.B)) * 1000;
    const w = ((b.wall - a.wall) / (b.B - a.B)) * 1000;
    console.log(
      `${label}, marginal (B = ${a.B} → ${b.B}): ${u.toFixed(3)} ms user, ${w.toFixed(3)} ms wall per resample ` +
        `(${(baseline / u).toFixed(0)}× the baseline's user time${versus(u, w)})`,
    );
  }
}
fs.rmSync(dir, { recursive: true, force: true });
