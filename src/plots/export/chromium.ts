import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { PlotlyFigure } from '../figure';
import { bundleFor, readPlotlyJs, type PlotlyBundle } from './plotlyBundle';
import { scriptSafeJson } from './html';
import { withStaticNote } from './staticNote';
import { EnvironmentError } from '../../errors';
import { canonicalSvgRoot } from './canonicalSvg';

/** Size of a rendered image; defaults to the figure's layout width/height, else 760 × 460. */
export interface ImageOptions {
  width?: number;
  height?: number;
  /** Pixel ratio for PNG (default 1; 2 gives print-quality images). */
  scale?: number;
}

/** Options of {@link FigureRenderer.launch}. */
export interface RendererOptions {
  /** Chromium binary (default: $EECAL_CHROMIUM, else /usr/bin/chromium). */
  executablePath?: string;
  /**
   * plotly.js source to load (drawing every trace type it has). Default: the basic build (scatter,
   * bar, pie) at launch, upgraded in place to the full build the first time a figure needs it.
   */
  plotlyJs?: string;
  /** Timeout for launching and for each render, in ms (default 60 000). */
  timeoutMs?: number;
}

/**
 * Chromium flags for a headless, offline, container-friendly renderer: no sandbox (root in
 * containers), no GPU, /tmp instead of a small /dev/shm, and no background network traffic.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--mute-audio',
  '--hide-scrollbars',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
] as const;

/**
 * playwright-core, loaded on first use: it is an optional peer dependency, so a user who only
 * analyses records (no PNG/SVG export) can install eecal without it.
 */
function playwrightChromium(): typeof import('playwright-core').chromium {
  try {
    return (require('playwright-core') as typeof import('playwright-core')).chromium;
  } catch (err) {
    throw new EnvironmentError(
      'PNG/SVG export needs the optional package playwright-core (npm install playwright-core)',
      { cause: err },
    );
  }
}

/** The Chromium binary to use: $EECAL_CHROMIUM, else Debian's /usr/bin/chromium; null when absent. */
export function findChromium(): string | null {
  const exe = process.env.EECAL_CHROMIUM || '/usr/bin/chromium';
  return fs.existsSync(exe) ? exe : null;
}

/** Add a plotly.js build to the page and check that it defined Plotly.toImage. */
async function loadPlotly(page: Page, js: string): Promise<void> {
  await page.addScriptTag({ content: js });
  const ok = await page.evaluate(
    'typeof globalThis.Plotly === "object" && typeof globalThis.Plotly.toImage === "function"',
  );
  if (!ok) throw new EnvironmentError('plotly.js did not load in the page (globalThis.Plotly.toImage is missing)');
}

/**
 * In-page code, kept as a string so no compiler helper (esbuild's __name, …) leaks into the page.
 * For `both`, the SVG (drawn at ratio 1, with a viewBox) goes onto a canvas of width·scale ×
 * height·scale, as plotly's own toImage does for a PNG.
 */
const RENDER = `async (a) => {
  // plotly names SVG elements (defs, clip paths, patterns, traces) with Math.random: a generator
  // seeded afresh for every figure makes the same figure the same SVG bytes, run after run.
  let seed = 0x2545f491;
  Math.random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const P = globalThis.Plotly;
  if (a.want === 'png') return { png: await P.toImage(a.fig, { format: 'png', width: a.width, height: a.height, scale: a.scale }) };
  const svg = await P.toImage(a.fig, { format: 'svg', width: a.width, height: a.height, scale: 1 });
  if (a.want === 'svg') return { svg };
  const img = new Image();
  img.src = svg;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = a.width * a.scale;
  canvas.height = a.height * a.scale;
  canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
  return { svg, png: canvas.toDataURL('image/png') };
}`;

function pngBytes(url: string | undefined): Buffer {
  const prefix = 'data:image/png;base64,';
  if (!url?.startsWith(prefix))
    throw new EnvironmentError(`the page returned "${String(url).slice(0, 40)}…", expected a PNG data URL`);
  return Buffer.from(url.slice(prefix.length), 'base64');
}

function svgText(url: string | undefined): string {
  const prefix = 'data:image/svg+xml,';
  if (!url?.startsWith(prefix))
    throw new EnvironmentError(`the page returned "${String(url).slice(0, 40)}…", expected an SVG data URL`);
  return canonicalSvgRoot(decodeURIComponent(url.slice(prefix.length)));
}

/**
 * Renders plotly figures to PNG/SVG in one headless Chromium page with plotly.js loaded once
 * (that load costs seconds; each later figure about 0.1–0.3 s). Every request the page makes is
 * aborted, so rendering is offline by construction. Calls are serialised; call `close()` when done.
 */
export class FigureRenderer {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    /** The build in the page: 'basic' until a figure needs more, then 'full' (a caller's own source counts as full). */
    private loaded: PlotlyBundle,
  ) {}

  /** Launch Chromium, open one page and load plotly.js into it. */
  static async launch(opts: RendererOptions = {}): Promise<FigureRenderer> {
    const exe = opts.executablePath ?? findChromium();
    if (!exe || !fs.existsSync(exe)) {
      throw new EnvironmentError(
        `Chromium not found at ${exe ?? process.env.EECAL_CHROMIUM ?? '/usr/bin/chromium'} (apt-get install chromium, or set EECAL_CHROMIUM); PNG/SVG export needs it`,
      );
    }
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const browser = await playwrightChromium().launch({
      executablePath: exe,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: timeoutMs,
    });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(timeoutMs);
      await page.route('**/*', (route) => route.abort());
      await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
      await loadPlotly(page, opts.plotlyJs ?? readPlotlyJs('basic'));
      return new FigureRenderer(browser, page, opts.plotlyJs === undefined ? 'basic' : 'full');
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /**
   * Render in the page, queued so calls never interleave: `png` alone is Plotly.toImage; `both`
   * draws the figure once as SVG (plotly's toImage) and rasterises that SVG onto a canvas for the PNG,
   * exactly what toImage does for a PNG (same pixels at the same ratio), so a PNG and an SVG cost one
   * plotly render, not two (notebook 04's 30-panel reliability grid: 984 → 705 ms, `npm run bench:figures`).
   */
  private render(
    interactive: PlotlyFigure,
    want: 'png' | 'svg' | 'both',
    o: ImageOptions,
  ): Promise<{ png?: string; svg?: string }> {
    // A static image cannot be clicked: an interactive figure says where its controls work.
    const fig = withStaticNote(interactive);
    const width = o.width ?? fig.layout.width ?? 760;
    const height =
      o.height !== undefined
        ? o.height + ((fig.layout.height ?? 460) - (interactive.layout.height ?? 460))
        : (fig.layout.height ?? 460);
    const arg = scriptSafeJson({
      fig: { data: fig.data, layout: fig.layout },
      want,
      width,
      height,
      scale: o.scale ?? 1,
    });
    const run = async () => {
      // A trace type beyond the basic build: load the full one over it, once (same release, a superset).
      if (this.loaded === 'basic' && bundleFor(fig) === 'full') {
        await loadPlotly(this.page, readPlotlyJs('full'));
        this.loaded = 'full';
      }
      return this.page.evaluate(`(${RENDER})(${arg})`) as Promise<{ png?: string; svg?: string }>;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** PNG bytes of the figure. */
  async png(fig: PlotlyFigure, o: ImageOptions = {}): Promise<Buffer> {
    return pngBytes((await this.render(fig, 'png', o)).png);
  }

  /** SVG text of the figure. */
  async svg(fig: PlotlyFigure, o: ImageOptions = {}): Promise<string> {
    return svgText((await this.render(fig, 'svg', o)).svg);
  }

  /** PNG (at `o.scale`) and SVG of the figure from one render. */
  async pngAndSvg(fig: PlotlyFigure, o: ImageOptions = {}): Promise<{ png: Buffer; svg: string }> {
    const r = await this.render(fig, 'both', o);
    return { png: pngBytes(r.png), svg: svgText(r.svg) };
  }

  /** Close the page and the browser (idempotent). */
  async close(): Promise<void> {
    if (this.browser.isConnected()) await this.browser.close();
  }
}
