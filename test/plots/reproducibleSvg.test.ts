import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FigureRenderer, findChromium } from '../../src/plots/export/chromium';
import type { PlotlyFigure } from '../../src/plots/figure';

const chromiumMissing = findChromium()
  ? false
  : 'Chromium not found (/usr/bin/chromium or $EECAL_CHROMIUM): SVG test skipped';

// plotly names SVG elements with Math.random; `eecal reproduce` must write the same bytes every run.
test(
  'the same figures rendered in the same order give the same SVG bytes, run after run',
  { skip: chromiumMissing, timeout: 180_000 },
  async () => {
    const fig: PlotlyFigure = {
      data: [
        { type: 'scatter', x: [0.5, 0.7, 0.9], y: [0.1, 0.3, 0.2], name: 'a', fill: 'tozeroy' },
        { type: 'bar', x: [1, 2], y: [3, 1], name: 'b', marker: { pattern: { shape: '/' } } },
      ],
      layout: { title: { text: 'ids' }, width: 400, height: 300 },
    } as PlotlyFigure;
    const other: PlotlyFigure = {
      data: [{ type: 'scatter', x: [1, 2], y: [2, 1] }],
      layout: { width: 300, height: 200 },
    } as PlotlyFigure;
    // The same sequence of figures in two fresh renderers (two runs of eecal reproduce).
    const run = async () => {
      const r = await FigureRenderer.launch();
      try {
        return [await r.svg(fig), await r.svg(other), (await r.pngAndSvg(fig)).svg];
      } finally {
        await r.close();
      }
    };
    const a = await run();
    const b = await run();
    assert.match(a[0], /id="defs-[0-9a-f]+"/, 'plotly named its elements');
    assert.deepEqual(b, a);
  },
);
