import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapIntervals } from '../../src/metrics/bootstrap';
import { progressReporter } from '../../src/cli/progressLine';

test('the bootstrap reports each resample to onProgress, in order, without changing the intervals', () => {
  const x = Float64Array.from({ length: 50 }, (_, i) => (i * 37) % 11);
  const mean = (idx: Int32Array) => ({ m: idx.reduce((s, i) => s + x[i], 0) / idx.length });
  const seen: Array<[number, number]> = [];
  const a = bootstrapIntervals(x.length, mean, { seed: 4, replicates: 25, onProgress: (d, t) => seen.push([d, t]) });
  const b = bootstrapIntervals(x.length, mean, { seed: 4, replicates: 25 });
  assert.deepEqual(
    seen,
    Array.from({ length: 25 }, (_, i) => [i + 1, 25]),
  );
  assert.deepEqual(a, b);
});

test('progress lines: none for a short run, then at most one per interval with an ETA from the rate so far', () => {
  let t = 0;
  const lines: string[] = [];
  const report = progressReporter('bootstrap, exit 1, resamples', (l) => lines.push(l), {
    quietMs: 2000,
    everyMs: 5000,
    now: () => t,
  });
  // A run that ends within the quiet period prints nothing.
  const quick = progressReporter('q', (l) => lines.push(l), { now: () => 0 });
  quick(10, 10);
  assert.deepEqual(lines, []);
  t = 1000;
  report(10, 100);
  assert.deepEqual(lines, []);
  t = 2000;
  report(20, 100); // 20 done in 2 s: 80 left at 10/s = 8 s
  t = 3000;
  report(30, 100); // within 5 s of the last line: silent
  t = 7000;
  report(70, 100); // 30 left at 10/s = 3 s
  t = 10000;
  report(100, 100);
  assert.deepEqual(lines, [
    'bootstrap, exit 1, resamples: 20/100 (20%), ETA 8s',
    'bootstrap, exit 1, resamples: 70/100 (70%), ETA 3s',
    'bootstrap, exit 1, resamples: 100/100 (100%), done in 10s',
  ]);
});
