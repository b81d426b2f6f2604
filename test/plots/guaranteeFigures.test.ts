import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offloadFigure, violationFigure } from '../../src/plots/guaranteeFigures';

test('violation figure: error bars are the interval around the rate, plus the δ line', () => {
  const fig = violationFigure(
    [{ label: 'risk control', targets: [0.8, 0.9], rate: [0.01, 0.02], lo: [0.005, 0.01], hi: [0.03, 0.05] }],
    0.05,
    'ViolationS',
    0.975,
  );
  assert.equal(fig.data.length, 2);
  const e = fig.data[0].error_y as { array: number[]; arrayminus: number[] };
  assert.deepEqual(
    e.array.map((v) => +v.toFixed(12)),
    [0.02, 0.03],
  );
  assert.deepEqual(
    e.arrayminus.map((v) => +v.toFixed(12)),
    [0.005, 0.01],
  );
  assert.deepEqual(fig.data[1].y, [0.05, 0.05]);
  assert.deepEqual(fig.data[1].x, [0.8, 0.9]);
  assert.throws(
    () => violationFigure([{ label: 'x', targets: [0.8], rate: [0.1, 0.2], lo: [0], hi: [0] }], 0.05, 't', 0.95),
    /2 rate values for 1 targets/,
  );
});

test('offload figure: one trace per rule, dashed reference in grey', () => {
  const fig = offloadFigure(
    [
      { label: 'TS', targets: [0.8], offload: [0.5] },
      { label: 'oracle', targets: [0.8], offload: [0.2], dashed: true },
    ],
    'P_off',
  );
  assert.equal(fig.data.length, 2);
  assert.equal((fig.data[1].line as { dash: string }).dash, 'dot');
  assert.deepEqual(fig.data[0].y, [0.5]);
});
