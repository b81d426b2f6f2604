import type { PlotlyLayout } from './figure';
import { figureStyles } from './methodStyles';
import { placeTitle } from './layout';
import { ConfigError } from '../errors';

/**
 * Shared look of eecal figures. Method and branch-count styles come from one registry
 * (`methodStyles.ts`); exits use EXIT_COLORS; fonts and axes are set here.
 */

/** Line style of one curve family. */
export interface SeriesStyle {
  color: string;
  dash: 'solid' | 'dot' | 'dashdot' | 'dash' | 'longdash' | 'longdashdot';
  marker: string;
}

/** Okabe–Ito palette (colour-blind safe), minus black and yellow (too light on white). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#E69F00'] as const;

/** Colours for exits 1, 2, 3, … (side branches, then the final exit). */
export const EXIT_COLORS = ['#0072B2', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#E69F00'] as const;

/**
 * Style of a series labelled `label` (a method id, a display name such as "TS per exit", or
 * "k=2 · Per-branch TS"), from the method style registry (`methodStyles.ts`). `index` is kept for
 * callers of the old signature; styles no longer depend on the position of a series.
 */
export function seriesStyle(label: string, _index = 0): SeriesStyle {
  return figureStyles([{ label }])[0];
}

/** `#rrggbb` → `rgba(r,g,b,alpha)` (for CI bands and histogram fills). */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new ConfigError(`withAlpha: "${hex}" is not a #rrggbb colour`);
  return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}

/** Fonts present on Debian with fonts-dejavu/liberation, so PNG export looks the same everywhere. */
export const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

/**
 * Base layout: white background, light grid, the title wrapped to the width and anchored to the top
 * of the figure (margin.t reserves its lines), legend above the plot area (builders move it below).
 */
export function baseLayout(title: string, width = 760, height = 460): PlotlyLayout {
  const t = placeTitle(title, width);
  return {
    title: t.title,
    width,
    height,
    font: { family: FONT_FAMILY, size: 12, color: '#222' },
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
    margin: { l: 64, r: 24, t: t.top, b: 56 },
    legend: { orientation: 'h', x: 0, y: 1.0, yanchor: 'bottom', bgcolor: 'rgba(255,255,255,0.8)' },
    hovermode: 'closest',
  };
}

/**
 * Rows a horizontal legend needs for these entry labels in `width` px (≈7 px per character plus
 * the symbol), so callers can reserve the top margin and the legend never covers the title.
 */
export function legendRows(labels: readonly string[], width: number): number {
  let rows = 1;
  let used = 0;
  for (const l of labels) {
    const w = 7 * l.length + 48;
    if (used > 0 && used + w > width) {
      rows++;
      used = 0;
    }
    used += w;
  }
  return rows;
}

/** Axis settings shared by every axis (grid, zero line, outline). */
export function baseAxis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title },
    showgrid: true,
    gridcolor: '#e5e5e5',
    zeroline: false,
    showline: true,
    linecolor: '#888',
    mirror: true,
    ticks: 'outside',
    ...extra,
  };
}

/** Percentage with `digits` decimals, e.g. 0.0782 → "7.82%". Null/NaN → "n/a". */
export function pct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${(100 * v).toFixed(digits)}%`;
}
