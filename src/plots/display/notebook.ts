import * as path from 'node:path';
import type { DataFrame } from 'danfojs-node';
import type { PlotlyFigure } from '../figure';
import { FigureRenderer, type RendererOptions } from '../export/chromium';
import { saveFigure, type FigureFileFormat } from '../export/saveFigure';
import { withStaticNote } from '../export/staticNote';
import { rowsToTable, tableHtml, type TableHtmlOptions, type TableLike } from './tableHtml';
import { formatCell, textTable } from '../../util/tableFormat';
import { withModelInTitle } from '../modelTitle';
import { ConfigError, EnvironmentError } from '../../errors';
import { installBriefKernelErrors } from './kernelErrors';

const ALL_FORMATS: readonly FigureFileFormat[] = ['json', 'html', 'png', 'svg'];

/** The plotly MIME type JupyterLab and VS Code render natively. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** One Jupyter `display_data` message: MIME type → content, plus per-type metadata. */
export interface DisplayMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** Where display messages go: tslab's kernel in a notebook, a collector in tests. */
export type DisplaySink = (msg: DisplayMessage) => void;

/** tslab's internal display writer: set while a kernel cell runs, null elsewhere (tslab's `jupyter` module). */
function tslabWriter(): ((m: unknown, update: boolean) => void) | null {
  try {
    return (require('tslab/dist/jupyter') as { lastWriteDisplayData: ((m: unknown, update: boolean) => void) | null })
      .lastWriteDisplayData;
  } catch {
    return null;
  }
}

/** True while running inside a tslab kernel cell. */
export function inTslabKernel(): boolean {
  return tslabWriter() !== null;
}

/**
 * tslab's own display writer. tslab's public `display.raw` sends one MIME type per output, so the
 * multi-type bundle goes through the writer it calls internally (`lastWriteDisplayData`, set while
 * a cell runs, in tslab's `jupyter` module). Throws outside a tslab kernel.
 */
export function tslabSink(): DisplaySink {
  return (msg) => {
    // Looked up per call: tslab replaces the writer for every executed cell.
    const write = tslabWriter();
    if (!write)
      throw new EnvironmentError(
        'not running inside a tslab kernel cell (no display writer); pass a `sink` to openNotebook',
      );
    write({ ...msg, transient: {} }, false);
  };
}

/**
 * The kernel's one warm browser. A kernel is one long-lived process whose cells are rerun at will:
 * starting Chromium and loading plotly.js costs 5–10 s, a render 0.1–0.5 s, so every Notebook of a
 * kernel (a rerun import cell makes a new one) shares one renderer that `close()` leaves running.
 * Playwright ends the browser when the kernel process exits (restart, shutdown).
 */
let kernelRenderer: Promise<FigureRenderer> | null = null;

function sharedRenderer(opts: RendererOptions | undefined): Promise<FigureRenderer> {
  if (!kernelRenderer) {
    const launching = FigureRenderer.launch(opts);
    kernelRenderer = launching;
    // A failed start is not cached: the next figure tries again (and reports the error).
    launching.catch(() => {
      if (kernelRenderer === launching) kernelRenderer = null;
    });
  }
  return kernelRenderer;
}

/** Options of {@link openNotebook}. */
export interface NotebookOptions {
  /** Default: tslab's writer. */
  sink?: DisplaySink;
  /** Folder for `figure(fig, {save})` (default results/ under the current directory's parent when it is notebooks/, else ./results). */
  resultsDir?: string;
  /** Chromium options for the PNG fallback. */
  renderer?: RendererOptions;
  /** PNG pixel ratio (default 2: sharp on high-DPI screens, shown at the figure's logical size); large figures get less (see {@link cappedScale}). */
  scale?: number;
  /**
   * Add the PNG fallback to each figure (default: true unless $EECAL_NOTEBOOK_PNG is "0"). Viewers
   * with a plotly renderer (JupyterLab + jupyterlab-plotly, VS Code) need no PNG; the classic
   * Notebook, nbconvert and GitHub show only the PNG. Without it no browser starts, and `{ save }`
   * writes JSON + HTML only (unless `formats` asks for PNG/SVG).
   */
  png?: boolean;
  /**
   * Keep one browser per process, started when the helper opens and left running by `close()`
   * (default: true inside a tslab kernel, false elsewhere so scripts and tests exit).
   */
  keepWarm?: boolean;
  /**
   * The model folder's name (e.g. "b-alexnet-cifar10-branchynet"): put at the head of every figure
   * title, and saved figures go to resultsDir/<model>/, so runs on two models never overwrite each
   * other's files. Without it, titles are unchanged and figures are saved in resultsDir itself.
   */
  model?: string;
}

/** Options of {@link Notebook.figure}. */
export interface FigureDisplayOptions {
  /** Also save the figure as resultsDir/<model>/<save>.{json,html,png,svg}. */
  save?: string;
  formats?: readonly FigureFileFormat[];
  /** This figure's model, when it is not the notebook's (e.g. a model trained in the notebook); null: none. */
  model?: string | null;
}

/**
 * Most pixels of a notebook PNG. Chromium's PNG encode grows with the pixel count: a 30-panel
 * reliability grid (1068 × 2281) at pixel ratio 2 is a 10-Mpx image that took 1.1 s to render (0.7 s capped, `npm run bench:figures`)
 * and weighs 0.9 MB in the notebook; capped at 4 Mpx its ratio is 1.28, still sharper than the screen.
 */
export const MAX_PNG_PIXELS = 4_000_000;

/** The pixel ratio for a width × height figure: `requested`, lowered so the PNG stays within {@link MAX_PNG_PIXELS}. */
export function cappedScale(width: number, height: number, requested: number): number {
  const limit = Math.sqrt(MAX_PNG_PIXELS / (width * height));
  return Math.min(requested, Math.floor(limit * 100) / 100);
}

/** Plain-text table for viewers without HTML (and for the text/plain part of the bundle). */
function tableText(t: TableLike, digits: number, showIndex: boolean): string {
  // The row labels (e.g. describe()'s count, mean, std) as a first, unnamed column, as in the HTML.
  const idx = showIndex && t.index ? t.index : null;
  const rows = t.values.map((r, i) => [...(idx ? [String(idx[i])] : []), ...r.map((v) => formatCell(v, digits))]);
  return textTable(idx ? ['', ...t.columns] : t.columns, rows, { rule: false }).trimEnd();
}

/**
 * Rich output for tslab notebooks. `figure` emits one bundle with the plotly JSON (interactive
 * where a plotly renderer exists), a PNG rendered by headless Chromium (shown by the classic
 * Notebook, nbconvert, GitHub) and a text/plain line. The browser starts on the first figure and is
 * reused; call `close()` at the end of the notebook.
 */
export class Notebook {
  private renderer: Promise<FigureRenderer> | null = null;
  private readonly sink: DisplaySink;
  private readonly keepWarm: boolean;
  private readonly png: boolean;
  readonly resultsDir: string;

  constructor(private readonly opts: NotebookOptions = {}) {
    this.sink = opts.sink ?? tslabSink();
    const cwd = process.cwd();
    this.resultsDir =
      opts.resultsDir ??
      (path.basename(cwd) === 'notebooks' ? path.join(cwd, '..', 'results') : path.join(cwd, 'results'));
    this.keepWarm = opts.keepWarm ?? inTslabKernel();
    this.png = opts.png ?? process.env.EECAL_NOTEBOOK_PNG !== '0';
    // A failed cell then shows eecal's one-line message, not library source and kernel frames.
    if (inTslabKernel()) installBriefKernelErrors();
    // Start the browser now, while the next cells load and compute: the first figure then waits less.
    if (this.keepWarm && this.png) this.getRenderer().catch(() => undefined);
  }

  private getRenderer(): Promise<FigureRenderer> {
    if (!this.renderer)
      this.renderer = this.keepWarm ? sharedRenderer(this.opts.renderer) : FigureRenderer.launch(this.opts.renderer);
    return this.renderer;
  }

  /** Display a figure (plotly JSON + PNG + text) and optionally save it under `resultsDir`. */
  async figure(figure: PlotlyFigure, o: FigureDisplayOptions = {}): Promise<void> {
    if (!figure?.layout || !Array.isArray(figure.data)) {
      throw new ConfigError(
        `figure(): expected a plotly figure ({ data, layout }), got ${figure === undefined ? 'undefined (no figure of that name was built)' : typeof figure}`,
      );
    }
    const model = o.model === undefined ? this.opts.model : (o.model ?? undefined);
    const fig = model ? withModelInTitle(figure, model) : figure;
    const width = fig.layout.width ?? 760;
    // The PNG of an interactive figure carries a line saying where it is interactive (taller image).
    const height = withStaticNote(fig).layout.height ?? 460;
    const scale = cappedScale(width, height, this.opts.scale ?? 2);
    // Without the PNG fallback no browser is started at all: the saved copy is JSON + HTML unless
    // formats asks for images (`eecal reproduce` writes every figure's PNG and SVG anyway).
    const formats = o.save ? (o.formats ?? (this.png ? ALL_FORMATS : ['json', 'html'])) : [];
    // The displayed PNG is the saved one, and a saved SVG comes from the same render.
    let png: Buffer | null = null;
    let svg: string | null = null;
    if (this.png) {
      const r = await this.getRenderer();
      if (formats.includes('svg')) ({ png, svg } = await r.pngAndSvg(fig, { scale }));
      else png = await r.png(fig, { scale });
    }
    const title = (fig.layout.title?.text ?? 'figure').replace(/<[^>]*>/g, '');
    this.sink({
      data: {
        [PLOTLY_MIME]: JSON.parse(JSON.stringify(fig)),
        ...(png ? { 'image/png': png.toString('base64') } : {}),
        'text/plain': `<plotly figure "${title}": ${fig.data.length} traces>`,
      },
      metadata: png ? { 'image/png': { width, height } } : {},
    });
    if (!o.save) return;
    const needsRender = (formats.includes('png') && !png) || (formats.includes('svg') && !svg);
    const renderer = needsRender ? await this.getRenderer() : null;
    await saveFigure(fig, model ? path.join(this.resultsDir, model) : this.resultsDir, o.save, renderer, {
      formats,
      scale,
      rendered: { png, svg },
    });
  }

  /** Display a table (a danfojs DataFrame, or plain row objects such as sweep rows) as HTML with a text fallback. */
  table(t: TableLike | DataFrame | readonly object[], o: TableHtmlOptions = {}): void {
    const view: TableLike = Array.isArray(t) ? rowsToTable(t as readonly object[]) : (t as TableLike);
    this.sink({
      data: { 'text/html': tableHtml(view, o), 'text/plain': tableText(view, o.digits ?? 4, o.showIndex ?? false) },
      metadata: {},
    });
  }

  /**
   * Stop the notebook with a one-line message when a precondition does not hold (e.g. "notebook 07
   * needs a model with 3 exits"), so the user reads what is wrong with their model or settings
   * instead of a TypeError from deep inside the library; returns `value` when it is set.
   */
  expect<T>(value: T, message: string): NonNullable<T> {
    if (value === undefined || value === null || value === false) throw new ConfigError(message);
    return value as NonNullable<T>;
  }

  /** Display Markdown (with a plain-text copy). */
  markdown(md: string): void {
    this.sink({ data: { 'text/markdown': md, 'text/plain': md }, metadata: {} });
  }

  /** Close the browser (if one was started); a kernel's shared warm browser stays up for the next run. */
  async close(): Promise<void> {
    const r = this.renderer;
    this.renderer = null;
    if (r && !this.keepWarm) await (await r).close();
  }
}

/** Open the notebook display helper (see {@link Notebook}). */
export function openNotebook(opts: NotebookOptions = {}): Notebook {
  return new Notebook(opts);
}

/**
 * Plain row objects as a danfojs-node DataFrame (loaded lazily: only notebooks pay its ~1 s load).
 * Array-valued fields (e.g. exitFractions) are joined as text so every column is a scalar.
 */
export function toDataFrame(rows: readonly object[]): DataFrame {
  const dfd = require('danfojs-node') as typeof import('danfojs-node');
  const t = rowsToTable(rows);
  const values = t.values.map((r) => r.map((v) => (Array.isArray(v) ? v.map((x) => formatCell(x, 4)).join(' / ') : v)));
  return new dfd.DataFrame(values as never, { columns: [...t.columns] });
}
