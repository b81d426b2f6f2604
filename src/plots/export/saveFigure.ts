import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomicWrite';
import type { PlotlyFigure } from '../figure';
import type { FigureRenderer, ImageOptions } from './chromium';
import { figureHtml } from './html';
import { readPlotlyJs } from './plotlyBundle';

/** Files a figure can be saved as: plotly JSON, standalone HTML, and (with a renderer) PNG/SVG. */
export type FigureFileFormat = 'json' | 'html' | 'png' | 'svg';

/** Options of {@link saveFigure}. */
export interface SaveFigureOptions extends ImageOptions {
  /** Formats to write (default all four; PNG/SVG are skipped when `renderer` is null). */
  formats?: readonly FigureFileFormat[];
  /** plotly.js source (written once beside the pages, or inlined when `standalone`); read from node_modules when omitted. */
  plotlyJs?: string;
  /** Inline plotly.js into the HTML page (≈4.6 MB per figure) instead of sharing `plotly.min.js` beside it. */
  standalone?: boolean;
}

/** File name of the plotly.js copy that the HTML figures of one folder share. */
export const SHARED_PLOTLY_JS = 'plotly.min.js';

/**
 * Make sure `dir/plotly.min.js` holds this plotly.js (written atomically when missing or
 * different), so the figures' HTML pages load it by a relative path and open offline.
 */
export function ensureSharedPlotlyJs(dir: string, plotlyJs?: string): string {
  const file = path.join(dir, SHARED_PLOTLY_JS);
  const js = plotlyJs ?? readPlotlyJs();
  const same = fs.existsSync(file) && fs.statSync(file).size === Buffer.byteLength(js) && fs.readFileSync(file, 'utf8') === js;
  if (!same) writeFileAtomic(file, js);
  return file;
}

/**
 * Write `dir/name.{json,html,png,svg}` atomically and return the paths written. The HTML page loads
 * `dir/plotly.min.js` (written once, shared by every figure of the folder) unless `standalone`.
 * PNG and SVG need a Chromium renderer; pass `null` to write only the JSON and the HTML.
 */
export async function saveFigure(
  fig: PlotlyFigure,
  dir: string,
  name: string,
  renderer: FigureRenderer | null,
  opts: SaveFigureOptions = {},
): Promise<string[]> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`saveFigure: name "${name}" must be a plain file stem ([A-Za-z0-9._-])`);
  // One event-loop turn before writing: a caller that saves many figures in a loop (eecal
  // reproduce) would otherwise never let a SIGINT/SIGTERM handler run until the last one is written.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const formats = opts.formats ?? ['json', 'html', 'png', 'svg'];
  const written: string[] = [];
  const file = (ext: string) => path.join(dir, `${name}.${ext}`);
  for (const f of formats) {
    if (f === 'json') writeJsonAtomic(file('json'), fig);
    else if (f === 'html' && opts.standalone) writeFileAtomic(file('html'), figureHtml(fig, { plotlyJs: opts.plotlyJs }));
    else if (f === 'html') {
      ensureSharedPlotlyJs(dir, opts.plotlyJs);
      writeFileAtomic(file('html'), figureHtml(fig, { plotlyJsSrc: SHARED_PLOTLY_JS }));
    }
    else if (!renderer) continue;
    else if (f === 'png') writeFileAtomic(file('png'), await renderer.png(fig, opts));
    else writeFileAtomic(file('svg'), await renderer.svg(fig, opts));
    written.push(file(f));
  }
  return written;
}
