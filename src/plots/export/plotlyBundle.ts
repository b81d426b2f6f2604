import * as fs from 'node:fs';
import type { PlotlyFigure } from '../figure';
import { EnvironmentError } from '../../errors';

/**
 * Which plotly.js build: `full` (plotly.js-dist-min, every trace type, ≈4.6 MB) or `basic`
 * (plotly.js-basic-dist-min, the same release cut to scatter, bar and pie, ≈1.2 MB). Every eecal
 * figure is scatter/bar, and a browser parses the basic build ≈4× faster: that parse was most of the
 * first figure's wait in a notebook (4.9 s vs 1.9 s into a fresh page on this 2-core machine, `npm run bench:figures`).
 */
export type PlotlyBundle = 'basic' | 'full';

/** Trace types the basic build draws (plotly.js's `plotly-basic` partial bundle). */
export const BASIC_TRACE_TYPES: ReadonlySet<string> = new Set(['scatter', 'bar', 'pie']);

/** The smallest build that draws `fig`: basic unless a trace has another type (plotly's default type is scatter). */
export function bundleFor(fig: Pick<PlotlyFigure, 'data'>): PlotlyBundle {
  return fig.data.every((t) => BASIC_TRACE_TYPES.has((t as { type?: string }).type ?? 'scatter')) ? 'basic' : 'full';
}

/** Where each build is: literal specifiers, so the packages' use is visible to readers and checks. */
const BUILDS: Record<PlotlyBundle, { pkg: string; file: () => string; packageJson: () => string }> = {
  full: {
    pkg: 'plotly.js-dist-min',
    file: () => require.resolve('plotly.js-dist-min/plotly.min.js'),
    packageJson: () => require.resolve('plotly.js-dist-min/package.json'),
  },
  basic: {
    pkg: 'plotly.js-basic-dist-min',
    file: () => require.resolve('plotly.js-basic-dist-min/plotly-basic.min.js'),
    packageJson: () => require.resolve('plotly.js-basic-dist-min/package.json'),
  },
};

function resolved(bundle: PlotlyBundle, which: 'file' | 'packageJson'): string {
  try {
    return BUILDS[bundle][which]();
  } catch (err) {
    throw new EnvironmentError(`${BUILDS[bundle].pkg} is not installed (run npm ci)`, { cause: err });
  }
}

/**
 * A plotly.js build read from node_modules, so figures render and open offline. The file is read
 * once per call site that asks for it; callers that render many figures keep the string.
 */
export function plotlyJsPath(bundle: PlotlyBundle = 'full'): string {
  return resolved(bundle, 'file');
}

/** The plotly.js source text of a build (default: full). */
export function readPlotlyJs(bundle: PlotlyBundle = 'full'): string {
  return fs.readFileSync(plotlyJsPath(bundle), 'utf8');
}

/** plotly.js version from its package.json (e.g. "4.1.1"). */
export function plotlyVersion(bundle: PlotlyBundle = 'full'): string {
  return (JSON.parse(fs.readFileSync(resolved(bundle, 'packageJson'), 'utf8')) as { version: string }).version;
}
