import * as fs from 'node:fs';

/**
 * plotly.js (the self-contained `plotly.js-dist-min` build) read from node_modules, so figures
 * render and open offline. The file is read once per call site that asks for it; callers that
 * render many figures keep the string (the renderer does).
 */
export function plotlyJsPath(): string {
  try {
    return require.resolve('plotly.js-dist-min/plotly.min.js');
  } catch (err) {
    throw new Error('plotly.js-dist-min is not installed (expected node_modules/plotly.js-dist-min/plotly.min.js; run npm ci)', { cause: err });
  }
}

/** The plotly.js source text. */
export function readPlotlyJs(): string {
  return fs.readFileSync(plotlyJsPath(), 'utf8');
}

/** plotly.js version from its package.json (e.g. "4.1.2"). */
export function plotlyVersion(): string {
  return (JSON.parse(fs.readFileSync(require.resolve('plotly.js-dist-min/package.json'), 'utf8')) as { version: string }).version;
}
