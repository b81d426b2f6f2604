/**
 * `npm run bench:bootstrap [-- --records models/b-alexnet-cifar10/records/test.csv] [--rows 200,10000]
 * [--replicates 1000,100] [--direct 20]` — user CPU per bootstrap resample of the per-exit metrics
 * (what `eecal metrics --bootstrap` computes per resample), on the first `rows` rows of the
 * records, every exit, each measurement starting cold (resamplers built and the shared
 * per-bandwidth tables cleared inside the timed region, as in one CLI run):
 *  - all metrics: `resampledExitMetrics` of every exit, B resamples each; then again with the
 *    shared tables kept and the code warm (the marginal cost of one more resample);
 *  - smooth ECE alone: `resampledSmoothEce` of every exit on the same resamples' counts;
 *  - smooth ECE direct: `smoothEce` of the gathered resample, on the first `direct` resamples
 *    only (it is slow), checking that the resampler gives the same σ and value.
 * Process CPU time (process.cpuUsage), so a loaded machine's waiting does not count.
 *
 * Measured ratio (2-core machine shared with other jobs, load ≈ 4; user CPU; the three versions
 * interleaved, 3 rounds, median): the command
 * `/usr/bin/time -f '%U user %e wall' node bin/eecal.js metrics --records R --bootstrap B --json`
 * minus the same command without `--bootstrap`, divided by B, in ms per resample (all 3 exits):
 *   R = header + first 200 rows of models/b-alexnet-cifar10/records/test.csv, B = 1000:
 *     d609bf9 18.55, 9808b6d 1.32, this version 0.77 (24× d609bf9; 0.66 in a run at lower load);
 *   R = all 10,000 rows, B = 100: d609bf9 146.6, 9808b6d 12.1, this version 8.9 (16×).
 * About half of what is left at 200 rows is paid once per run (the per-bandwidth tables and the
 * JIT's warm-up): this bench gave 0.76 ms per resample cold and 0.35 warm (10,000 rows: 7.0 and
 * 5.2). Of the rest, most is smooth ECE: one dense evaluation per resample for the returned value,
 * and the cosine-mode bisection decisions.
 * Every resample's value is the same to the bit as 9808b6d's (test/metrics/resampledMetrics.test.ts).
 */
import { parseArgs } from 'node:util';
import { readRecords } from '../src/records/csv';
import { softmaxRows } from '../src/calibration/logitMath';
import { topLabelOf } from '../src/metrics/topLabel';
import { smoothEce } from '../src/metrics/smoothEce';
import { clearSharedBandwidths, resampledSmoothEce } from '../src/metrics/resampledSmoothEce';
import { resampledExitMetrics } from '../src/metrics/resampledExitMetrics';
import { createRng } from '../src/util/rng';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: 'models/b-alexnet-cifar10/records/test.csv' },
    rows: { type: 'string', default: '200,10000' },
    replicates: { type: 'string', default: '1000,100' },
    direct: { type: 'string', default: '20' },
  },
});
const rowsList = values.rows.split(',').map(Number);
const repList = values.replicates.split(',').map(Number);
const directCount = Number(values.direct);
const rec = readRecords(values.records);
const C = rec.numClasses;

/** User CPU milliseconds of f(). */
function cpu(f: () => void): number {
  const t = process.cpuUsage();
  f();
  return process.cpuUsage(t).user / 1000;
}

for (let s = 0; s < rowsList.length; s++) {
  const n = Math.min(rowsList[s], rec.numSamples);
  const R = repList[Math.min(s, repList.length - 1)];
  const exits = rec.logits.map((logits) => {
    const probs = softmaxRows(logits.subarray(0, n * C), C);
    const labels = rec.labels.subarray(0, n);
    return { probs, labels, tl: topLabelOf(probs, labels, C) };
  });
  // The resamples the CLI draws (seed 0), as indices and as counts.
  const rng = createRng(0);
  const draws = Array.from({ length: R }, () => Int32Array.from({ length: n }, () => rng.int(n)));
  const counts = draws.map((idx) => {
    const c = new Int32Array(n);
    for (const i of idx) c[i]++;
    return c;
  });
  const all = cpu(() => {
    clearSharedBandwidths();
    for (const { probs, labels } of exits) {
      const metrics = resampledExitMetrics(probs, labels, C);
      for (const idx of draws) metrics(idx);
    }
  });
  const warm = cpu(() => {
    for (const { probs, labels } of exits) {
      const metrics = resampledExitMetrics(probs, labels, C);
      for (const idx of draws) metrics(idx);
    }
  });
  const got: number[][] = [];
  const smooth = cpu(() => {
    clearSharedBandwidths();
    for (const { tl } of exits) {
      const fast = resampledSmoothEce(tl.confidence, tl.correct);
      got.push(counts.map((c) => fast(c).value));
    }
  });
  const D = Math.min(directCount, R);
  let worst = 0;
  const direct = cpu(() => {
    exits.forEach(({ tl }, e) => {
      for (let r = 0; r < D; r++) {
        const idx = draws[r];
        const want = smoothEce(
          Float64Array.from(idx, (i) => tl.confidence[i]),
          Uint8Array.from(idx, (i) => tl.correct[i]),
        ).value;
        worst = Math.max(worst, Math.abs(want - got[e][r]));
      }
    });
  });
  console.log(
    `${n} rows × ${R} resamples × ${exits.length} exits, ms per resample (all exits): all metrics` +
      ` ${(all / R).toFixed(3)} cold, ${(warm / R).toFixed(3)} warm; smooth ECE alone ${(smooth / R).toFixed(3)} cold;` +
      ` smooth ECE of the gathered resample ${(direct / D).toFixed(2)}` +
      ` (first ${D} resamples, max |Δ| vs resampled ${worst.toExponential(1)})`,
  );
}
