import type { PlotlyFigure } from '../figure';
import { readPlotlyJs } from './plotlyBundle';
import { ConfigError } from '../../errors';

/** Options of {@link figureHtml}. */
export interface HtmlOptions {
  /** Page title (default: the figure's title text, or "eecal figure"). */
  title?: string;
  /** plotly.js source to inline; read from node_modules when omitted. Pass it when writing many pages. */
  plotlyJs?: string;
  /**
   * Load plotly.js from this relative URL (e.g. "plotly.min.js" beside the page) instead of inlining
   * it: many figures then share one 4.6 MB file and still open offline.
   */
  plotlyJsSrc?: string;
}

/** JSON that is safe inside a <script> element (no "</script>", no "<!--"). */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * An HTML page for one figure that opens offline and keeps its interactivity (hover, zoom, sliders,
 * dropdowns): plotly.js inlined (≈4.8 MB, standalone), or loaded from `plotlyJsSrc` beside the
 * page. No external request is made.
 */
export function figureHtml(fig: PlotlyFigure, opts: HtmlOptions = {}): string {
  const title = (opts.title ?? fig.layout.title?.text ?? 'eecal figure').replace(/<br\s*\/?>/gi, ' ');
  let script: string;
  if (opts.plotlyJsSrc !== undefined) {
    if (/^[a-z]+:|^\/|\\/i.test(opts.plotlyJsSrc))
      throw new ConfigError(
        `figureHtml: plotlyJsSrc "${opts.plotlyJsSrc}" must be a relative path (the page must open offline wherever it is copied)`,
      );
    script = `<script src="${escapeHtml(opts.plotlyJsSrc)}" charset="utf-8"></script>`;
  } else {
    const js = opts.plotlyJs ?? readPlotlyJs();
    // Inlined as-is, so it must not close its own <script> element early.
    if (/<\/script/i.test(js))
      throw new ConfigError('figureHtml: the plotly.js source contains "</script" and cannot be inlined');
    script = `<script>${js}</script>`;
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title.replace(/<[^>]*>/g, ''))}</title>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<style>body{margin:0;padding:12px;font-family:sans-serif;background:#fff}</style>',
    script,
    '</head><body>',
    '<div id="figure"></div>',
    `<script>(function(){var fig=${scriptSafeJson(fig)};Plotly.newPlot("figure",fig.data,fig.layout,fig.config||{});})();</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
