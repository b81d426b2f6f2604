/**
 * `npm run bench:figures` — what a notebook's figures cost in the headless browser that renders
 * their PNG fallback, for the choices in src/plots/export (medians; load average shown):
 *  1. loading plotly.js into a fresh page: the full build vs the basic build (scatter, bar, pie);
 *  2. notebook 04's 30-panel reliability grid (shipped regime model): a PNG at pixel ratio 2 vs at
 *     the capped ratio (4 Mpx), and a PNG plus an SVG as two renders vs one (`pngAndSvg`).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, FigureRenderer, findChromium } from '../src/plots/export/chromium';
import { readPlotlyJs, type PlotlyBundle } from '../src/plots/export/plotlyBundle';
import { cappedScale } from '../src/plots/display/notebook';
import { withStaticNote } from '../src/plots/export/staticNote';
import { readModelFolder } from '../src/records/modelFolder';
import { calibrationStudy } from '../src/study/calibrationStudy';
import { calibrationOps } from '../src/study/calibrationOps';
import { calibrationFigures } from '../src/study/calibrationFigures';
import { exitNamesOf, STUDY_METHODS } from '../src/study/analysis';
import { defaultConfig } from '../src/study/config';
import { repoRoot } from '../src/util/repoRoot';

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timeAsync(n: number, f: () => Promise<unknown>): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

/** Milliseconds to add one plotly build to a fresh page of an already running browser. */
async function plotlyLoadMs(bundle: PlotlyBundle): Promise<number> {
  const exe = findChromium();
  if (!exe) throw new Error('bench:figures needs Chromium (/usr/bin/chromium or $EECAL_CHROMIUM)');
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: [...CHROMIUM_ARGS] });
  try {
    const js = readPlotlyJs(bundle);
    return await timeAsync(3, async () => {
      const page = await browser.newPage();
      await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
      await page.addScriptTag({ content: js });
      await page.close();
    });
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  console.log(`bench:figures — ${os.cpus().length} CPUs, load average ${load()}`);
  const full = await plotlyLoadMs('full');
  const basic = await plotlyLoadMs('basic');
  console.log(
    `1. plotly.js into a fresh page (median of 3): full build ${full.toFixed(0)} ms, basic build ${basic.toFixed(0)} ms (load ${load()})`,
  );

  const folder = readModelFolder(path.join(repoRoot(__dirname), 'models', 'b-alexnet-cifar10-branchynet'));
  const cfg = defaultConfig();
  const study = calibrationStudy(folder.val, folder.test, calibrationOps, {
    methods: STUDY_METHODS,
    pTar: cfg.calibrationPTar,
    bins: cfg.eceBins,
    exitNames: exitNamesOf(folder.test),
  });
  const fig = calibrationFigures(study)['reliability-all-methods'];
  const width = fig.layout.width ?? 760;
  const height = withStaticNote(fig).layout.height ?? 460;
  const capped = cappedScale(width, height, 2);
  const r = await FigureRenderer.launch();
  try {
    await r.png(fig, { scale: 2 }); // warm the page
    const png2 = await timeAsync(5, () => r.png(fig, { scale: 2 }));
    const pngCapped = await timeAsync(5, () => r.png(fig, { scale: capped }));
    const two = await timeAsync(5, async () => {
      await r.png(fig, { scale: capped });
      await r.svg(fig);
    });
    const one = await timeAsync(5, () => r.pngAndSvg(fig, { scale: capped }));
    const mpx = (s: number) => ((width * s * height * s) / 1e6).toFixed(1);
    console.log(
      `2. reliability grid, ${fig.data.length} traces, ${width}×${height} (median of 5, load ${load()}): ` +
        `PNG at ratio 2 (${mpx(2)} Mpx) ${png2.toFixed(0)} ms, at ratio ${capped} (${mpx(capped)} Mpx) ${pngCapped.toFixed(0)} ms; ` +
        `PNG + SVG as two renders ${two.toFixed(0)} ms, as one ${one.toFixed(0)} ms`,
    );
  } finally {
    await r.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
