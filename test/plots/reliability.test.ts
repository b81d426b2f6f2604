import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { renderReliability, type ReliabilityPanel } from '../../src/plots/reliability';
import { matchSnapshot } from './snapshot';

// Five equal-width bins; bins 1 and 4 are empty. Numbers are hand-made, not computed by the renderer.
const bins = [
  { lo: 0, hi: 0.2, count: 0, meanConfidence: 0, accuracy: 0, gap: 0 },
  { lo: 0.2, hi: 0.4, count: 2, meanConfidence: 0.3, accuracy: 0.5, gap: -0.2 },
  { lo: 0.4, hi: 0.6, count: 3, meanConfidence: 0.5, accuracy: 1 / 3, gap: 0.5 - 1 / 3 },
  { lo: 0.6, hi: 0.8, count: 0, meanConfidence: 0, accuracy: 0, gap: 0 },
  { lo: 0.8, hi: 1, count: 5, meanConfidence: 0.9, accuracy: 0.8, gap: 0.1 },
];
const panel = (title: string, ece: number): ReliabilityPanel => ({ title, bins, ece, numSamples: 10 });

test('single panel: accuracy bars, gap to the diagonal, histogram and ECE in the legend', () => {
  const fig = renderReliability([[panel('exit 1 · uncalibrated', 0.0782)]]);
  const [acc, gap, diag, hist] = fig.data;
  assert.equal(fig.data.length, 4);
  assert.equal(acc.name, 'Accuracy (ECE 7.82%)');
  // Empty bins are gaps (null), never drawn as zero-height bars.
  assert.deepEqual(acc.y, [null, 0.5, 1 / 3, null, 0.8]);
  assert.deepEqual(acc.x, [0.1, 0.30000000000000004, 0.5, 0.7, 0.9]);
  assert.deepEqual(gap.base, [null, 0.5, 1 / 3, null, 0.8]);
  // Bars run from the accuracy to the mean confidence: down for underconfident bin 2, up for bin 3.
  const gy = gap.y as number[];
  assert.ok(Math.abs(gy[1] - -0.2) < 1e-12 && Math.abs(gy[2] - (0.5 - 1 / 3)) < 1e-12 && Math.abs(gy[4] - 0.1) < 1e-12);
  assert.deepEqual(diag.x, [0, 1]);
  assert.deepEqual(diag.y, [0, 1]);
  assert.deepEqual(hist.y, [0, 0.2, 0.3, 0, 0.5]);
  assert.equal(hist.xaxis, 'x2');
  assert.equal(fig.layout.xaxis2 && (fig.layout.xaxis2 as { matches: string }).matches, 'x');
  const ann = fig.layout.annotations!.map((a) => a.text);
  assert.ok(ann.includes('ECE 7.82%'));
  matchSnapshot('reliability-single', fig);
});

test('grid: rows = exits, columns = methods, non-overlapping domains, legend shown once', () => {
  const fig = renderReliability(
    [
      [panel('exit 1 · uncalibrated', 0.1), panel('exit 1 · temperature', 0.01)],
      [panel('exit 2 · uncalibrated', 0.05), panel('exit 2 · temperature', 0.005)],
    ],
    { title: 'before/after' },
  );
  assert.equal(fig.data.length, 16);
  assert.equal(fig.data.filter((t) => t.showlegend).length, 4);
  // The accuracy bar of a grid panel does not carry the ECE (that is in the panel's corner box).
  assert.equal(fig.data[4].name, 'Accuracy');
  const eces = fig.layout.annotations!.map((a) => String(a.text)).filter((t) => t.startsWith('ECE'));
  assert.deepEqual(eces, ['ECE 10.00%', 'ECE 1.00%', 'ECE 5.00%', 'ECE 0.50%']);
  const dom = (k: string) => (fig.layout[k] as { domain: [number, number] }).domain;
  // Columns: panel 1 (axes 1, 2) left of panel 2 (axes 3, 4). Rows: exit 1 above exit 2.
  assert.ok(dom('xaxis')[1] < dom('xaxis3')[0]);
  assert.ok(dom('yaxis5')[1] < dom('yaxis2')[0], 'row 2 below row 1');
  assert.ok(dom('yaxis2')[1] < dom('yaxis')[0], 'histogram below its reliability axis');
  assert.equal(fig.layout.width, 64 + 24 + 2 * 300 + 40); // margins, 2 panels, 1 gap
  assert.equal(fig.data[0].name, 'Accuracy');
  matchSnapshot('reliability-grid', fig);
});

test('a row of 5 panels stays one row of narrower panels: rows = exits, columns = methods holds', () => {
  const fig = renderReliability(
    [1, 2].map((e) => [1, 2, 3, 4, 5].map((i) => panel(`exit ${e} · method ${i}`, 0.01 * i))),
    { title: 'wide' },
  );
  assert.equal(fig.layout.width, 64 + 24 + 5 * 220 + 4 * 40);
  const dom = (k: string) => (fig.layout[k] as { domain: [number, number] }).domain;
  // Panel 5 of row 1 (axes 9, 10) is the rightmost column; row 2 starts at axes 11, 12, below panel 1.
  assert.ok(dom('xaxis7')[1] < dom('xaxis9')[0]);
  assert.deepEqual(dom('yaxis9'), dom('yaxis'));
  assert.deepEqual(dom('xaxis11'), dom('xaxis'));
  assert.ok(dom('yaxis11')[1] < dom('yaxis2')[0]);
  assert.equal(
    (fig.layout.xaxis10 as { title: { text: string } }).title.text,
    '',
    'Confidence only under the last row',
  );
  assert.equal((fig.layout.xaxis20 as { title: { text: string } }).title.text, 'Confidence');
});

test('no panels is an error', () => {
  assert.throws(() => renderReliability([]), /no panels/);
});
