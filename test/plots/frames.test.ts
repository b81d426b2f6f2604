import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { exitRecordsFrame, exitSampleRows, pivotFrame } from '../../src/plots/display/frames';
import { toDataFrame } from '../../src/plots/display/notebook';
import type { ExitRecords } from '../../src/records/types';

// 2 samples, 3 classes, 2 exits. Hand values: softmax max of [2, 0, 0] = e²/(e² + 2) = 0.786986…;
// of [1000, 999, 0] = 1/(1 + e⁻¹) = 0.731058… (large logits: a naive exp would overflow).
const records: ExitRecords = {
  numSamples: 2,
  numClasses: 3,
  numExits: 2,
  labels: Int32Array.from([0, 1]),
  logits: [Float64Array.from([2, 0, 0, 1000, 999, 0]), Float64Array.from([0, 0, 5, 0, 3, 0])],
};

test('exitSampleRows: one row per (exit, sample) with argmax, stable max softmax and 0/1 correctness', () => {
  const rows = exitSampleRows(records, ['branch1', 'final']);
  assert.equal(rows.length, 4);
  assert.deepEqual(
    rows.map((r) => [r.exit, r.sample, r.label, r.prediction, r.correct]),
    [
      ['branch1', 0, 0, 0, 1],
      ['branch1', 1, 1, 0, 0],
      ['final', 0, 0, 2, 0],
      ['final', 1, 1, 1, 1],
    ],
  );
  assert.ok(Math.abs(rows[0].confidence - Math.exp(2) / (Math.exp(2) + 2)) < 1e-12);
  assert.ok(Math.abs(rows[1].confidence - 1 / (1 + Math.exp(-1))) < 1e-12);
  assert.ok(Math.abs(rows[2].confidence - Math.exp(5) / (Math.exp(5) + 2)) < 1e-12);
  assert.equal(exitSampleRows(records)[3].exit, 'exit 2');
});

test('exitRecordsFrame groups by exit into mean confidence and accuracy', () => {
  const df = exitRecordsFrame(records, ['branch1', 'final']);
  assert.deepEqual(df.shape, [4, 6]);
  const g = df.groupby(['exit']).agg({ correct: 'mean' });
  assert.deepEqual(g.values, [
    ['branch1', 0.5],
    ['final', 0.5],
  ]);
});

test('pivotFrame: rows × columns in order of appearance, missing cells null, duplicates and unknown columns refused', () => {
  const long = toDataFrame([
    { exit: 'branch1', method: 'TS', ece: 0.02 },
    { exit: 'branch1', method: 'global', ece: 0.03 },
    { exit: 'final', method: 'TS', ece: 0.01 },
  ]);
  const wide = pivotFrame(long, { index: 'exit', columns: 'method', values: 'ece' });
  assert.deepEqual(wide.columns, ['exit', 'TS', 'global']);
  assert.deepEqual(wide.values, [
    ['branch1', 0.02, 0.03],
    ['final', 0.01, null],
  ]);
  assert.throws(() => pivotFrame(long, { index: 'exit', columns: 'nope', values: 'ece' }), {
    name: 'ConfigError',
    message: /no column "nope"/,
  });
  const dup = toDataFrame([
    { exit: 'a', method: 'm', ece: 1 },
    { exit: 'a', method: 'm', ece: 2 },
  ]);
  assert.throws(
    () => pivotFrame(dup, { index: 'exit', columns: 'method', values: 'ece' }),
    /exit = a, method = m occurs twice/,
  );
});

test('a described frame shows its row labels in the text fallback too', async () => {
  const { openNotebook } = await import('../../src/plots/display/notebook');
  const out: { data: Record<string, unknown> }[] = [];
  const nb = openNotebook({ sink: (m) => out.push(m), png: false });
  nb.table(toDataFrame([{ x: 1 }, { x: 3 }]).describe(), { showIndex: true, digits: 2 });
  const text = String(out[0].data['text/plain']);
  assert.match(text, /^\s+x\n\s*count\s+2\n\s*mean\s+2\n\s*std\s+1\.41\n/); // sample std of 1, 3: √2
});
