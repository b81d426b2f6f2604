import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  STYLED_METHOD_IDS,
  METHOD_COLORS,
  figureStyles,
  methodStyle,
  parseMethodLabel,
} from '../../src/plots/methodStyles';
import { valueAxis, wrapText, niceStep } from '../../src/plots/layout';
import { deltaFigure } from '../../src/plots/deltaFigure';
import { parseCalibrationOverTraining } from '../../src/records/calibrationOverTraining';
import { calibrationOverTrainingFigure } from '../../src/plots/calibrationOverTrainingFigure';
import { repoRoot } from '../../src/util/repoRoot';

test('every method id has its own colour; k changes dash and marker, not colour', () => {
  assert.equal(new Set(STYLED_METHOD_IDS.map((m) => METHOD_COLORS[m])).size, STYLED_METHOD_IDS.length);
  assert.deepEqual(methodStyle('per-branch', 2), { color: '#D55E00', dash: 'dash', marker: 'square' });
  assert.equal(methodStyle('per-branch', 1).color, methodStyle('per-branch', 2).color);
  assert.deepEqual(parseMethodLabel('k=2 · Per-branch TS'), { method: 'per-branch', k: 2 });
  assert.deepEqual(parseMethodLabel('TS per exit'), { method: 'temperature' });
  // The old collisions: "k=1 · uncalibrated" vs "k=2 · Per-branch TS", isotonic vs "TS per exit".
  const st = figureStyles(
    ['k=1 · uncalibrated', 'k=2 · Per-branch TS', 'isotonic', 'TS per exit', 'my-method', 'other'].map((label) => ({
      label,
    })),
  );
  assert.equal(new Set(st.map((s) => `${s.color}|${s.dash}|${s.marker}`)).size, st.length);
  // A user's method keeps its colour whatever else the figure shows (derived from its id).
  const alone = figureStyles([{ label: 'label smoothing', method: 'label-smoothing' }])[0].color;
  const among = figureStyles(['uncalibrated', 'my-method', 'other'].map((label) => ({ label }))).concat(
    figureStyles([{ label: 'TS per exit' }, { label: 'label smoothing', method: 'label-smoothing' }]),
  );
  assert.equal(among[4].color, alone);
  assert.ok(!Object.values(METHOD_COLORS).includes(alone));
});

test('tick step and decimals follow the range: a 2-pp range never prints "75%" twice', () => {
  const ax = valueAxis([0.742, 0.758], { kind: 'percent' });
  const step = ax.dtick as number;
  const [lo, hi] = ax.range as [number, number];
  const labels: string[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step)
    labels.push(`${(100 * t).toFixed(Number(/\.(\d+)%/.exec(ax.tickformat as string)![1]))}%`);
  assert.ok(labels.length >= 3);
  assert.equal(new Set(labels).size, labels.length, labels.join(', '));
  assert.equal(niceStep(0.02, 6), 0.005);
  assert.deepEqual(
    valueAxis([0, 0.12], { kind: 'percent', includeZero: true, clamp: [-0.02, 1.02] })
      .range?.toString()
      .split(',')
      .map(Number)
      .map((v) => v < 0.2),
    [true, true],
    'outage axis scaled to 0–12 %',
  );
});

test('titles wrap at spaces to the width', () => {
  const w = wrapText('Reliability of branch1 on the test split, uncalibrated: accuracy vs confidence', 200, 16);
  assert.ok(w.lines >= 3);
  assert.ok(w.text.split('<br>').every((l) => l.length <= Math.floor(200 / (0.64 * 16))));
});

test('Δ figure: one legend group per method holds its band and line; zero line; shape errors named', () => {
  const fig = deltaFigure([
    {
      method: 'temperature',
      label: 'TS per exit',
      pTar: [0.7, 0.8],
      delta: [0.01, 0.02],
      lo: [0, 0.01],
      hi: [0.02, 0.03],
    },
  ]);
  assert.equal(fig.data.length, 3);
  assert.ok(fig.data.every((t) => t.legendgroup === 'series:TS per exit'));
  assert.equal((fig.data[2].line as { color: string }).color, METHOD_COLORS.temperature);
  assert.equal((fig.layout.shapes![0] as { y0: number }).y0, 0);
  assert.throws(
    () => deltaFigure([{ method: 'beta', pTar: [0.7], delta: [0, 1], lo: [0], hi: [0] }]),
    /"beta" has 2 delta values for 1 p_tar/,
  );
});

test('calibration-over-training: parse the trainer CSV, draw shortfall = on-device accuracy − p_tar', () => {
  const text = fs.readFileSync(
    path.join(repoRoot(__dirname), 'test', 'fixtures', 'plots', 'calibration-over-training.csv'),
    'utf8',
  );
  const rows = parseCalibrationOverTraining(text);
  assert.equal(rows.length, 4);
  assert.equal(rows[0].values['ondevice_acc_uncal_ptar0.8'], null, 'empty cell is null, not 0');
  const fig = calibrationOverTrainingFigure(rows);
  const ts08 = fig.data.find((t) => t.name === 'TS · p_tar 0.8')!;
  assert.deepEqual(ts08.x, [1, 2]);
  assert.ok(Math.abs((ts08.y as number[])[0] - (0.95082 - 0.8)) < 1e-12);
  assert.throws(() => parseCalibrationOverTraining('epoch,exit\n1,1\n', 'x.csv'), /x.csv: missing column "test_ece15"/);
  assert.throws(
    () => parseCalibrationOverTraining(text.replace('0.3541', 'abc'), 'x.csv'),
    /line 2, column "test_acc": "abc" is not a number/,
  );
});
