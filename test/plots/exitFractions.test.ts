import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { renderExitFractions } from '../../src/plots/exitFractions';
import { renderTrainingCurves } from '../../src/plots/trainingCurves';
import { ShapeMismatchError } from '../../src/errors';
import { matchSnapshot } from './snapshot';

const exitNames = ['branch1', 'branch2', 'final'];

test('exit fractions: one stacked trace per exit, transposed from per-p_tar rows; dropdown per method', () => {
  const fig = renderExitFractions([
    {
      label: 'uncalibrated',
      x: [0.5, 0.9],
      exitNames,
      fractions: [
        [0.7, 0.2, 0.1],
        [0.3, 0.3, 0.4],
      ],
    },
    {
      label: 'temperature',
      x: [0.5, 0.9],
      exitNames,
      fractions: [
        [0.6, 0.2, 0.2],
        [0.2, 0.2, 0.6],
      ],
    },
  ]);
  assert.equal(fig.data.length, 6);
  assert.deepEqual(fig.data[0].y, [0.7, 0.3]);
  assert.deepEqual(fig.data[2].y, [0.1, 0.4]);
  assert.deepEqual(fig.data[5].y, [0.2, 0.6]);
  assert.equal(fig.data[0].stackgroup, 'method0');
  assert.equal(fig.data[3].stackgroup, 'method1');
  assert.deepEqual(
    fig.data.map((t) => t.visible),
    [true, true, true, false, false, false],
  );
  const buttons = (fig.layout.updatemenus![0] as { buttons: { args: [{ visible: boolean[] }] }[] }).buttons;
  assert.deepEqual(buttons[1].args[0].visible, [false, false, false, true, true, true]);
  matchSnapshot('exit-fractions', fig);
  assert.throws(
    () => renderExitFractions([{ label: 'u', x: [0.5], exitNames, fractions: [[0.5, 0.5]] }]),
    (e: unknown) => e instanceof ShapeMismatchError && /row 0 has 2 exits, expected 3/.test((e as Error).message),
  );
});

test('training curves: train/val loss and val accuracy per exit from the log rows', () => {
  const rows = [
    { epoch: 1, trainLoss: [2.1, 2.0, 1.9], valLoss: [2.0, 1.9, 1.8], valAccuracy: [0.3, 0.35, 0.4] },
    { epoch: 2, trainLoss: [1.5, 1.4, 1.2], valLoss: [1.6, 1.5, 1.3], valAccuracy: [0.45, 0.5, 0.6] },
  ];
  const fig = renderTrainingCurves(exitNames, rows);
  assert.equal(fig.data.length, 9);
  assert.deepEqual(fig.data[0].y, [2.1, 1.5]);
  assert.deepEqual(fig.data[4].y, [1.9, 1.5]);
  assert.deepEqual(fig.data[8].y, [0.4, 0.6]);
  assert.equal(fig.data[8].xaxis, 'x2');
  matchSnapshot('training-curves', fig);
  assert.throws(
    () => renderTrainingCurves(exitNames, [{ epoch: 1, trainLoss: [1], valLoss: [1, 1, 1], valAccuracy: [1, 1, 1] }]),
    /epoch 1: trainLoss has 1 values/,
  );
  assert.throws(() => renderTrainingCurves(exitNames, []), /no epochs/);
});
