import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomicWrite';
import type { PlotlyFigure } from '../figure';
import type { FigureRenderer, ImageOptions } from './chromium';
import { figureHtml } from './html';
import { plotlyJsPath, readPlotlyJs } from './plotlyBundle';
import { ConfigError } from '../../errors';

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
  /** Images the caller already rendered at these options (a notebook's displayed PNG): written as they are. */
  rendered?: { png?: Buffer | null; svg?: string | null };
}

/** File name of the plotly.js copy that the HTML figures of one folder share. */
export const SHARED_PLOTLY_JS = 'plotly.min.js';

/** Shared copies this process has checked or written: their source, and their size and mtime then. */
const ensured = new Map<string, { js: string; size: number; mtimeMs: number }>();

/**
 * Make sure `dir/plotly.min.js` holds this plotly.js (written atomically when missing or
 * different), so the figures' HTML pages load it by a relative path and open offline.
 */
export function ensureSharedPlotlyJs(dir: string, plotlyJs?: string): string {
  const file = path.join(dir, SHARED_PLOTLY_JS);
  // Without a caller's source, the installed build is the one to share: its size and version banner
  // identify it without reading 4.6 MB twice per saved figure (≈0.1 s each in a notebook).
  if (plotlyJs === undefined && fs.existsSync(file) && sameInstalledBuild(file)) return file;
  const js = plotlyJs ?? readPlotlyJs();
  // A caller's source, checked or written here before and unchanged on disk since: no need to read
  // 4.6 MB again for every figure of the folder (eecal reproduce saves about 25 per model).
  const known = ensured.get(file);
  const now = fs.existsSync(file) ? fs.statSync(file) : null;
  if (known && now && known.js === js && known.size === now.size && known.mtimeMs === now.mtimeMs) return file;
  const same = now !== null && now.size === Buffer.byteLength(js) && fs.readFileSync(file, 'utf8') === js;
  if (!same) writeFileAtomic(file, js);
  const after = fs.statSync(file);
  ensured.set(file, { js, size: after.size, mtimeMs: after.mtimeMs });
  return file;
}

/** Whether `file` has the installed full build's size and first bytes (its "plotly.js vX.Y.Z" banner). */
function sameInstalledBuild(file: string): boolean {
  const installed = plotlyJsPath('full');
  const size = fs.statSync(installed).size;
  if (fs.statSync(file).size !== size) return false;
  const head = (f: string) => {
    const fd = fs.openSync(f, 'r');
    try {
      const b = Buffer.alloc(512);
      fs.readSync(fd, b, 0, 512, 0);
      return b;
    } finally {
      fs.closeSync(fd);
    }
  };
  return head(file).equals(head(installed));
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
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new ConfigError(`saveFigure: name "${name}" must be a plain file stem ([A-Za-z0-9._-])`);
  // One event-loop turn before writing: a caller that saves many figures in a loop (eecal
  // reproduce) would otherwise never let a SIGINT/SIGTERM handler run until the last one is written.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const formats = opts.formats ?? ['json', 'html', 'png', 'svg'];
  const written: string[] = [];
  const file = (ext: string) => path.join(dir, `${name}.${ext}`);
  // PNG and SVG from one render when both are wanted and the caller rendered neither.
  let { png = null, svg = null } = opts.rendered ?? {};
  if (renderer && formats.includes('png') && formats.includes('svg') && !png && !svg)
    ({ png, svg } = await renderer.pngAndSvg(fig, opts));
  for (const f of formats) {
    if (f === 'json') writeJsonAtomic(file('json'), fig);
    else if (f === 'html' && opts.standalone)
      writeFileAtomic(file('html'), figureHtml(fig, { plotlyJs: opts.plotlyJs }));
    else if (f === 'html') {
      ensureSharedPlotlyJs(dir, opts.plotlyJs);
      writeFileAtomic(file('html'), figureHtml(fig, { plotlyJsSrc: SHARED_PLOTLY_JS }));
    } else if (f === 'png' && (png || renderer)) writeFileAtomic(file('png'), png ?? (await renderer!.png(fig, opts)));
    else if (f === 'svg' && (svg || renderer)) writeFileAtomic(file('svg'), svg ?? (await renderer!.svg(fig, opts)));
    else continue;
    written.push(file(f));
  }
  return written;
}
