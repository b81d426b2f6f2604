import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomicWrite';
import type { PlotlyFigure } from '../figure';
import type { FigureRenderer, ImageOptions } from './chromium';
import { figureHtml } from './html';

/** Files a figure can be saved as: plotly JSON, standalone HTML, and (with a renderer) PNG/SVG. */
export type FigureFileFormat = 'json' | 'html' | 'png' | 'svg';

/** Options of {@link saveFigure}. */
export interface SaveFigureOptions extends ImageOptions {
  /** Formats to write (default all four; PNG/SVG are skipped when `renderer` is null). */
  formats?: readonly FigureFileFormat[];
  /** plotly.js source for the HTML page; pass it when saving many figures to read it only once. */
  plotlyJs?: string;
}

/**
 * Write `dir/name.{json,html,png,svg}` atomically and return the paths written. PNG and SVG need a
 * Chromium renderer; pass `null` to write only the JSON and the self-contained HTML.
 */
export async function saveFigure(
  fig: PlotlyFigure,
  dir: string,
  name: string,
  renderer: FigureRenderer | null,
  opts: SaveFigureOptions = {},
): Promise<string[]> {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`saveFigure: name "${name}" must be a plain file stem ([A-Za-z0-9._-])`);
  const formats = opts.formats ?? ['json', 'html', 'png', 'svg'];
  const written: string[] = [];
  const file = (ext: string) => path.join(dir, `${name}.${ext}`);
  for (const f of formats) {
    if (f === 'json') writeJsonAtomic(file('json'), fig);
    else if (f === 'html') writeFileAtomic(file('html'), figureHtml(fig, { plotlyJs: opts.plotlyJs }));
    else if (!renderer) continue;
    else if (f === 'png') writeFileAtomic(file('png'), await renderer.png(fig, opts));
    else writeFileAtomic(file('svg'), await renderer.svg(fig, opts));
    written.push(file(f));
  }
  return written;
}
