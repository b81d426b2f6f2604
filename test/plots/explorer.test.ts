import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { renderExplorer } from '../../src/plots/explorer';
import { ShapeMismatchError } from '../../src/errors';
import { matchSnapshot } from './snapshot';

const x = [0.5, 0.6, 0.7];
const panels = [
  {
    yTitle: 'P[offload]',
    series: [
      { label: 'uncalibrated', x, y: [0.1, 0.2, 0.3] },
      { label: 'temperature', x, y: [0.2, 0.3, 0.5] },
    ],
  },
  {
    yTitle: 'On-device accuracy',
    identityLine: 'y = p_tar',
    series: [
      { label: 'uncalibrated', x, y: [0.48, 0.55, null] },
      { label: 'temperature', x, y: [0.6, 0.66, 0.75], lo: [0.55, 0.6, 0.7], hi: [0.65, 0.7, 0.8] },
    ],
  },
];

test('dropdown toggles the traces of one method, read-outs included; identity line always visible', () => {
  const fig = renderExplorer(panels, { title: 'explorer', xTitle: 'p_tar' });
  // panel 1: 2 lines + 2 read-outs; panel 2: identity + line + (band hi, band lo, line) + 2 read-outs
  assert.equal(fig.data.length, 2 + 2 + 1 + 1 + 3 + 2);
  assert.deepEqual(
    fig.data.map((t) => t.mode === 'text'),
    [false, false, true, true, false, false, false, false, false, true, true],
  );
  const menu = fig.layout.updatemenus![0] as { buttons: { label: string; args: [{ visible: boolean[] }] }[] };
  assert.deepEqual(
    menu.buttons.map((b) => b.label),
    ['all methods', 'uncalibrated', 'temperature'],
  );
  assert.ok(menu.buttons[0].args[0].visible.every((v) => v));
  assert.deepEqual(menu.buttons[1].args[0].visible, [
    true,
    false,
    true,
    false,
    true,
    true,
    false,
    false,
    false,
    true,
    false,
  ]);
  assert.deepEqual(menu.buttons[2].args[0].visible, [
    false,
    true,
    false,
    true,
    true,
    false,
    true,
    true,
    true,
    false,
    true,
  ]);
});

test('slider: one step per grid point, moving the marker and rewriting the read-out traces with the given values', () => {
  const fig = renderExplorer(panels, { title: 'explorer', xTitle: 'p_tar', initialX: 0.6 });
  const slider = fig.layout.sliders![0] as {
    active: number;
    steps: { label: string; method: string; args: [{ text: string[][] }, Record<string, unknown>, number[]] }[];
  };
  assert.equal(slider.active, 1);
  assert.deepEqual(
    slider.steps.map((s) => s.label),
    ['0.5', '0.6', '0.7'],
  );
  const [restyle, relayout, traces] = slider.steps[2].args;
  assert.equal(slider.steps[2].method, 'update');
  assert.equal(relayout['shapes[0].x0'], 0.7);
  assert.equal(relayout['shapes[1].x1'], 0.7);
  assert.deepEqual(traces, [2, 3, 9, 10]);
  assert.deepEqual(restyle.text, [
    ['uncalibrated: 0.300'],
    ['temperature: 0.500'],
    ['uncalibrated: n/a'],
    ['temperature: 0.750'],
  ]);
  assert.deepEqual(fig.data[9].text, ['uncalibrated: 0.550'], 'initial read-out at p_tar 0.6');
  assert.equal((fig.layout.shapes![0] as { x0: number }).x0, 0.6);
  matchSnapshot('explorer', fig);
});

test('different grids or methods across panels are rejected', () => {
  const bad = [
    panels[0],
    {
      yTitle: 'acc',
      series: [
        { label: 'uncalibrated', x: [0.5, 0.6, 0.75], y: [1, 1, 1] },
        { label: 'temperature', x, y: [1, 1, 1] },
      ],
    },
  ];
  assert.throws(() => renderExplorer(bad, { title: 't', xTitle: 'p_tar' }), ShapeMismatchError);
  const bad2 = [panels[0], { yTitle: 'acc', series: [{ label: 'temperature', x, y: [1, 1, 1] }] }];
  assert.throws(
    () => renderExplorer(bad2, { title: 't', xTitle: 'p_tar' }),
    /has methods \[temperature\], expected \[uncalibrated, temperature\]/,
  );
});
