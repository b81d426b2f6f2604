import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { renderCurves } from '../../src/plots/curves';
import { onDeviceAccuracyFigure, outageFigure, missedDeadlineFigure } from '../../src/plots/paperFigures';
import { matchSnapshot } from './snapshot';

const x = [0.5, 0.6, 0.7, 0.8];
const uncal = {
  label: 'uncalibrated',
  x,
  y: [0.45, 0.55, null, 0.75],
  lo: [0.4, 0.5, null, 0.7],
  hi: [0.5, 0.6, null, 0.8],
};
const ts = { label: 'temperature', x, y: [0.55, 0.65, 0.72, 0.85] };

test('CI band: upper edge then lower edge filled to it, in the series legend group', () => {
  const fig = renderCurves([uncal, ts], { title: 't', xTitle: 'p_tar', yTitle: 'acc' });
  assert.equal(fig.data.length, 4);
  const [hi, lo, line, line2] = fig.data;
  assert.deepEqual(hi.y, uncal.hi);
  assert.deepEqual(lo.y, uncal.lo);
  assert.equal(lo.fill, 'tonexty');
  assert.equal(hi.showlegend, false);
  assert.equal(hi.legendgroup, line.legendgroup);
  // A missing value stays a gap: no value is invented.
  assert.deepEqual(line.y, uncal.y);
  assert.equal(line.connectgaps, false);
  assert.equal(line2.name, 'temperature');
  // Paper convention: uncalibrated grey solid.
  assert.deepEqual(line.line, { color: '#555555', dash: 'solid', width: 2 }); // the registry's uncalibrated grey
});

test('on-device accuracy figure has the y = p_tar line over the x range', () => {
  const fig = onDeviceAccuracyFigure([uncal, ts]);
  const id = fig.data[0];
  assert.equal(id.name, 'y = p_tar');
  assert.deepEqual(id.x, [0.5, 0.8]);
  assert.deepEqual(id.y, [0.5, 0.8]);
  matchSnapshot('on-device-accuracy', fig);
});

test('outage figure draws CIs as asymmetric error bars (offsets from the point)', () => {
  const fig = outageFigure([
    { label: 'uncalibrated', x: [0.8, 0.9], y: [0.2, 0.6], lo: [0.1, 0.55], hi: [0.35, 0.62] },
  ]);
  assert.equal(fig.data.length, 1);
  const e = fig.data[0].error_y as { array: number[]; arrayminus: number[] };
  assert.ok(Math.abs(e.array[0] - 0.15) < 1e-12 && Math.abs(e.array[1] - 0.02) < 1e-12);
  assert.ok(Math.abs(e.arrayminus[0] - 0.1) < 1e-12 && Math.abs(e.arrayminus[1] - 0.05) < 1e-12);
  matchSnapshot('outage', fig);
});

test('missed-deadline figure: x is the deadline', () => {
  const fig = missedDeadlineFigure([{ label: 'uncalibrated', x: [0, 50, 100], y: [1, 0.4, 0.3] }]);
  assert.equal((fig.layout.xaxis as { title: { text: string } }).title.text, 'Deadline t_tar (ms)');
});

test('length mismatch and empty input are errors naming the series', () => {
  assert.throws(
    () => renderCurves([{ label: 'bad', x: [1, 2], y: [1] }], { title: 't', xTitle: 'x', yTitle: 'y' }),
    /"bad": y has 1 points, x has 2/,
  );
  assert.throws(() => renderCurves([], { title: 'empty', xTitle: 'x', yTitle: 'y' }), /no series/);
});
