import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../src/plots/export/chromium';
import { readPlotlyJs } from '../../src/plots/export/plotlyBundle';
import { checkFigure } from '../../scripts/figure-checks';
import type { PlotlyFigure } from '../../src/plots/figure';

// Each layout defect the browser test looks for, planted once in a small figure: the check must
// name it, and the same figure without the defect must pass.
const exe = findChromium();
const skip = exe ? false : 'Chromium not found';
let browser: Browser;
let page: Page;
before(async () => {
  if (!exe) return;
  browser = await chromium.launch({ executablePath: exe, headless: true, args: [...CHROMIUM_ARGS] });
  page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
  await page.addScriptTag({ content: readPlotlyJs() });
});
after(async () => {
  if (browser) await browser.close();
});

const base = (annotations: Record<string, unknown>[], extra: Record<string, unknown> = {}): PlotlyFigure => ({
  data: [{ type: 'scatter', x: [0, 1], y: [0, 1], showlegend: false }],
  layout: {
    width: 500,
    height: 400,
    margin: { l: 60, r: 20, t: 80, b: 60 },
    title: { text: 'clean' },
    xaxis: { title: { text: 'Epoch' } },
    annotations,
    ...extra,
  },
});
const heading = (text: string, x: number, y = 1.02) => ({
  text,
  xref: 'paper',
  yref: 'paper',
  x,
  y,
  xanchor: 'center',
  yanchor: 'bottom',
  showarrow: false,
});

test('a clean figure passes', { skip }, async () => {
  assert.deepEqual(await checkFigure(page, base([heading('a heading', 0.5)])), []);
});

test('text over a plot area is found', { skip }, async () => {
  const p = await checkFigure(
    page,
    base([{ text: 'Static image: a note', xref: 'paper', yref: 'paper', x: 0.1, y: 0.1, showarrow: false }]),
  );
  assert.ok(
    p.some((m) => /"Static image: a note" lies over the plot area/.test(m)),
    p.join('\n'),
  );
});

test('titles over titles are found', { skip }, async () => {
  const p = await checkFigure(page, base([heading('heading one', 0.5), heading('heading two', 0.52)]));
  assert.ok(
    p.some((m) => /titles "heading one" and "heading two" overlap/.test(m)),
    p.join('\n'),
  );
});

test('a heading cut at the right edge is found', { skip }, async () => {
  const p = await checkFigure(
    page,
    base([{ ...heading('On-device shortfall, k = 1 (device: exit 1)', 0.75), xanchor: 'left' }]),
  );
  assert.ok(
    p.some((m) => /"On-device shortfall.*" is cut at the figure edge/.test(m)),
    p.join('\n'),
  );
});

test('a grid whose shape differs from its title is found', { skip }, async () => {
  // Three panels promised as one row of methods, drawn as a wrapped 2 + 1.
  const axes = {
    xaxis: { domain: [0, 0.45] },
    yaxis: { domain: [0.6, 1] },
    xaxis2: { domain: [0.55, 1] },
    yaxis2: { domain: [0.6, 1], anchor: 'x2' },
    xaxis3: { domain: [0, 0.45] },
    yaxis3: { domain: [0, 0.4], anchor: 'x3' },
  };
  const panel = (i: number, text: string) => ({
    text,
    xref: `x${i === 1 ? '' : i} domain`,
    yref: `y${i === 1 ? '' : i} domain`,
    x: 0.5,
    y: 1.01,
    xanchor: 'center',
    yanchor: 'bottom',
    showarrow: false,
  });
  const fig = (title: string): PlotlyFigure => ({
    data: [1, 2, 3].map((i) => ({
      type: 'scatter' as const,
      x: [0, 1],
      y: [0, 1],
      xaxis: `x${i === 1 ? '' : i}`,
      yaxis: `y${i === 1 ? '' : i}`,
      showlegend: false,
    })),
    layout: {
      width: 600,
      height: 600,
      margin: { l: 60, r: 20, t: 80, b: 60 },
      title: { text: title },
      ...axes,
      annotations: [panel(1, 'exit 1 · m1'), panel(2, 'exit 1 · m2'), panel(3, 'exit 1 · m3')],
    },
  });
  const p = await checkFigure(page, fig('Reliability: rows = exits, columns = methods'));
  assert.ok(
    p.some((m) => /promises rows = exits, columns = methods but its 3 panels sit in 2 rows × 2 columns/.test(m)),
    p.join('\n'),
  );
  assert.deepEqual(
    await checkFigure(page, fig('Reliability of exit 1, three methods')),
    [],
    'without the promise the same layout is fine',
  );
});
