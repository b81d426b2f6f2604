import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { renderExplorer } from '../../src/plots/explorer';
import { ShapeMismatchError } from '../../src/errors';
import { matchSnapshot } from './snapshot';

const x = [0.5, 0.6, 0.7];
const panels = [
  { yTitle: 'P[offload]', series: [{ label: 'uncalibrated', x, y: [0.1, 0.2, 0.3] }, { label: 'temperature', x, y: [0.2, 0.3, 0.5] }] },
  {
    yTitle: 'On-device accuracy', identityLine: 'y = p_tar',
    series: [{ label: 'uncalibrated', x, y: [0.48, 0.55, null] }, { label: 'temperature', x, y: [0.6, 0.66, 0.75], lo: [0.55, 0.6, 0.7], hi: [0.65, 0.7, 0.8] }],
  },
];

test('dropdown toggles the traces of one method; identity line always visible', () => {
  const fig = renderExplorer(panels, { title: 'explorer', xTitle: 'p_tar' });
  // panel 1: 2 lines; panel 2: identity + line + (band hi, band lo, line)
  assert.equal(fig.data.length, 2 + 1 + 1 + 3);
  const menu = fig.layout.updatemenus![0] as { buttons: { label: string; args: [{ visible: boolean[] }] }[] };
  assert.deepEqual(menu.buttons.map((b) => b.label), ['all methods', 'uncalibrated', 'temperature']);
  assert.deepEqual(menu.buttons[0].args[0].visible, [true, true, true, true, true, true, true]);
  assert.deepEqual(menu.buttons[1].args[0].visible, [true, false, true, true, false, false, false]);
  assert.deepEqual(menu.buttons[2].args[0].visible, [false, true, true, false, true, true, true]);
});

test('slider: one step per grid point, moving the marker and reading out the given values', () => {
  const fig = renderExplorer(panels, { title: 'explorer', xTitle: 'p_tar', initialX: 0.6 });
  const slider = fig.layout.sliders![0] as { active: number; steps: { label: string; args: [Record<string, unknown>] }[] };
  assert.equal(slider.active, 1);
  assert.deepEqual(slider.steps.map((s) => s.label), ['0.5', '0.6', '0.7']);
  const last = slider.steps[2].args[0];
  assert.equal(last['shapes[0].x0'], 0.7);
  assert.equal(last['shapes[1].x1'], 0.7);
  assert.equal(last['annotations[0].text'], 'uncalibrated: 0.300<br>temperature: 0.500');
  assert.equal(last['annotations[1].text'], 'uncalibrated: n/a<br>temperature: 0.750');
  assert.equal((fig.layout.shapes![0] as { x0: number }).x0, 0.6);
  matchSnapshot('explorer', fig);
});

test('different grids or methods across panels are rejected', () => {
  const bad = [panels[0], { yTitle: 'acc', series: [{ label: 'uncalibrated', x: [0.5, 0.6, 0.75], y: [1, 1, 1] }, { label: 'temperature', x, y: [1, 1, 1] }] }];
  assert.throws(() => renderExplorer(bad, { title: 't', xTitle: 'p_tar' }), ShapeMismatchError);
  const bad2 = [panels[0], { yTitle: 'acc', series: [{ label: 'temperature', x, y: [1, 1, 1] }] }];
  assert.throws(() => renderExplorer(bad2, { title: 't', xTitle: 'p_tar' }), /has methods \[temperature\], expected \[uncalibrated, temperature\]/);
});
