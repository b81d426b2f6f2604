/**
 * `npm run bench:bootstrap [-- --records models/b-alexnet-cifar10/records/test.csv] [--rows 200,10000]
 * [--replicates 1000,100]` — user CPU per bootstrap resample of one exit's metrics, on the first
 * `rows` rows of the records (exit 1), interleaved A/B in blocks so that machine load hits both:
 *  - smooth ECE: `smoothEce` of the gathered resample (the direct path) vs `resampledSmoothEce` of its
 *    counts (operators shared by resamples), checking that both give the same σ and value;
 *  - every metric: `resampledExitMetrics` per resample.
 * Process CPU time (process.cpuUsage), so a loaded machine's waiting does not count.
 */
import { parseArgs } from 'node:util';
import { readRecords } from '../src/records/csv';
import { softmaxRows } from '../src/calibration/logitMath';
import { topLabelOf } from '../src/metrics/topLabel';
import { smoothEce } from '../src/metrics/smoothEce';
import { resampledSmoothEce } from '../src/metrics/resampledSmoothEce';
import { resampledExitMetrics } from '../src/metrics/resampledExitMetrics';
import { createRng } from '../src/util/rng';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: 'models/b-alexnet-cifar10/records/test.csv' },
    rows: { type: 'string', default: '200,10000' },
    replicates: { type: 'string', default: '1000,100' },
  },
});
const rowsList = values.rows.split(',').map(Number);
const repList = values.replicates.split(',').map(Number);
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
  const probs = softmaxRows(rec.logits[0].subarray(0, n * C), C);
  const labels = rec.labels.subarray(0, n);
  const tl = topLabelOf(probs, labels, C);
  let direct = 0;
  let shared = 0;
  let all = 0;
  let worst = 0;
  // Per-bandwidth operators are built lazily inside the timed resamples, so their cost is included.
  const fast = resampledSmoothEce(tl.confidence, tl.correct);
  const metrics = resampledExitMetrics(probs, labels, C);
  const rng = createRng(1);
  const block = Math.max(1, Math.floor(R / 10));
  for (let r0 = 0; r0 < R; r0 += block) {
    const batch = Array.from({ length: Math.min(block, R - r0) }, () =>
      Int32Array.from({ length: n }, () => rng.int(n)),
    );
    const counts = batch.map((idx) => {
      const c = new Int32Array(n);
      for (const i of idx) c[i]++;
      return c;
    });
    const want: number[] = [];
    const got: number[] = [];
    direct += cpu(() => {
      for (const idx of batch)
        want.push(
          smoothEce(
            Float64Array.from(idx, (i) => tl.confidence[i]),
            Uint8Array.from(idx, (i) => tl.correct[i]),
          ).value,
        );
    });
    shared += cpu(() => {
      for (const c of counts) got.push(fast(c).value);
    });
    all += cpu(() => {
      for (const idx of batch) metrics(idx);
    });
    want.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - got[j]));
    });
  }
  console.log(
    `${n} rows × ${R} resamples (exit 1): smooth ECE ${(direct / R).toFixed(3)} ms direct vs ${(shared / R).toFixed(3)} ms shared per resample` +
      ` (${(direct / shared).toFixed(1)}×, max |Δ| ${worst.toExponential(1)}); all metrics ${(all / R).toFixed(3)} ms per resample`,
  );
}
