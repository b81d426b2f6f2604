/**
 * `npm run bench:refit [-- --records models/b-alexnet-cifar10/records/val.csv] [--replicates 30]` —
 * user CPU per bootstrap replicate of the verdicts' torch-lbfgs refit (every exit), with the
 * objective in JavaScript and in the native addon (native/eecal_softmax.c), interleaved A/B so that
 * machine load hits both, and a check that both give the same temperatures bit for bit.
 */
import { parseArgs } from 'node:util';
import { readRecords } from '../src/records/csv';
import { resampledNllInT } from '../src/study/stats/resampledNll';
import { shiftedRows } from '../src/study/stats/refitKeys';
import { drawIndices } from '../src/study/stats/resample';
import { torchLbfgsTemperature } from '../src/calibration/torchLbfgs';
import { nativeSoftmax } from '../src/backend/nativeBlas';
import { createRng } from '../src/util/rng';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: 'models/b-alexnet-cifar10/records/val.csv' },
    replicates: { type: 'string', default: '30' },
  },
});
const native = nativeSoftmax();
if (!native) {
  console.error('bench:refit: the native addon is not built (npm run build:native)');
  process.exit(3);
}
const rec = readRecords(values.records);
const rows = rec.logits.map((l) => shiftedRows(l, rec.labels, rec.numClasses));
const R = Number(values.replicates);
const draws = Array.from({ length: R }, (_, r) => drawIndices(rec.numSamples, createRng(r)));

/** User CPU ms per replicate and the temperatures fitted. */
function run(jsOnly: boolean): [number, number[]] {
  const temps: number[] = [];
  const t = process.cpuUsage();
  for (const idx of draws)
    for (const s of rows) temps.push(torchLbfgsTemperature(resampledNllInT(s, idx, jsOnly)).temperature);
  return [process.cpuUsage(t).user / 1000 / R, temps];
}
const js: number[] = [];
const nat: number[] = [];
for (let round = 0; round < 3; round++) {
  const [a, ta] = run(true);
  const [b, tb] = run(false);
  if (ta.some((v, i) => !Object.is(v, tb[i]))) {
    console.error('bench:refit: native and JavaScript temperatures differ');
    process.exit(1);
  }
  js.push(a);
  nat.push(b);
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[1];
console.log(`records ${values.records}: ${rec.numSamples} rows, ${rec.numExits} exits, ${R} replicates × 3 rounds`);
console.log(`native path: ${native.info().kernels.temperatureNll ?? 'C'}`);
console.log(`JavaScript objective  ${median(js).toFixed(1)} ms CPU per replicate (median of 3)`);
console.log(`native objective      ${median(nat).toFixed(1)} ms CPU per replicate`);
console.log(`ratio                 ${(median(js) / median(nat)).toFixed(2)}× (same temperatures bit for bit)`);
