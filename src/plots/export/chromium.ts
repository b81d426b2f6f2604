import * as fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PlotlyFigure } from '../figure';
import { readPlotlyJs } from './plotlyBundle';
import { scriptSafeJson } from './html';
import { withStaticNote } from './staticNote';

/** Static image formats Chromium renders. */
export type ImageFormat = 'png' | 'svg';

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
  /** plotly.js source (default: read from node_modules/plotly.js-dist-min). */
  plotlyJs?: string;
  /** Timeout for launching and for each render, in ms (default 60 000). */
  timeoutMs?: number;
}

/**
 * Chromium flags for a headless, offline, container-friendly renderer: no sandbox (root in
 * containers), no GPU, /tmp instead of a small /dev/shm, and no background network traffic.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-default-apps', '--disable-extensions', '--disable-sync',
  '--no-first-run', '--no-default-browser-check', '--mute-audio', '--hide-scrollbars',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
] as const;

/** The Chromium binary to use: $EECAL_CHROMIUM, else Debian's /usr/bin/chromium; null when absent. */
export function findChromium(): string | null {
  const exe = process.env.EECAL_CHROMIUM || '/usr/bin/chromium';
  return fs.existsSync(exe) ? exe : null;
}

/** In-page code, kept as a string so no compiler helper (esbuild's __name, …) leaks into the page. */
const TO_IMAGE = 'async (a) => globalThis.Plotly.toImage(a.fig, a.opts)';

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
  ) {}

  /** Launch Chromium, open one page and load plotly.js into it. */
  static async launch(opts: RendererOptions = {}): Promise<FigureRenderer> {
    const exe = opts.executablePath ?? findChromium();
    if (!exe || !fs.existsSync(exe)) {
      throw new Error(`Chromium not found at ${exe ?? process.env.EECAL_CHROMIUM ?? '/usr/bin/chromium'} (apt-get install chromium, or set EECAL_CHROMIUM); PNG/SVG export needs it`);
    }
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const browser = await chromium.launch({ executablePath: exe, headless: true, args: [...CHROMIUM_ARGS], timeout: timeoutMs });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(timeoutMs);
      await page.route('**/*', (route) => route.abort());
      await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
      await page.addScriptTag({ content: opts.plotlyJs ?? readPlotlyJs() });
      const ok = await page.evaluate('typeof globalThis.Plotly === "object" && typeof globalThis.Plotly.toImage === "function"');
      if (!ok) throw new Error('plotly.js did not load in the page (globalThis.Plotly.toImage is missing)');
      return new FigureRenderer(browser, page);
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** Plotly.toImage in the page; returns the data URL. Queued so calls never interleave. */
  private toDataUrl(interactive: PlotlyFigure, format: ImageFormat, o: ImageOptions): Promise<string> {
    // A static image cannot be clicked: an interactive figure says where its controls work.
    const fig = withStaticNote(interactive);
    const opts = {
      format,
      width: o.width ?? fig.layout.width ?? 760,
      height: o.height !== undefined ? o.height + ((fig.layout.height ?? 460) - (interactive.layout.height ?? 460)) : (fig.layout.height ?? 460),
      scale: format === 'png' ? (o.scale ?? 1) : 1,
    };
    const arg = scriptSafeJson({ fig: { data: fig.data, layout: fig.layout }, opts });
    const run = () => this.page.evaluate(`(${TO_IMAGE})(${arg})`) as Promise<string>;
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** PNG bytes of the figure. */
  async png(fig: PlotlyFigure, o: ImageOptions = {}): Promise<Buffer> {
    const url = await this.toDataUrl(fig, 'png', o);
    const prefix = 'data:image/png;base64,';
    if (!url.startsWith(prefix)) throw new Error(`Plotly.toImage returned "${url.slice(0, 40)}…", expected a PNG data URL`);
    return Buffer.from(url.slice(prefix.length), 'base64');
  }

  /** SVG text of the figure. */
  async svg(fig: PlotlyFigure, o: ImageOptions = {}): Promise<string> {
    const url = await this.toDataUrl(fig, 'svg', o);
    const prefix = 'data:image/svg+xml,';
    if (!url.startsWith(prefix)) throw new Error(`Plotly.toImage returned "${url.slice(0, 40)}…", expected an SVG data URL`);
    return decodeURIComponent(url.slice(prefix.length));
  }

  /** Close the page and the browser (idempotent). */
  async close(): Promise<void> {
    if (this.browser.isConnected()) await this.browser.close();
  }
}
