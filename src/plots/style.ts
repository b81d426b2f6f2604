import type { PlotlyLayout } from './figure';

/**
 * Shared look of eecal figures. Method colours follow the paper's convention (JNCA figures:
 * Conventional grey solid, Global TS red dotted, Per-branch TS blue dash-dot); other methods take
 * the next colour of a colour-blind-safe palette in the order they are given.
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

const KNOWN: Record<string, SeriesStyle> = {
  uncalibrated: { color: '#7f7f7f', dash: 'solid', marker: 'circle' },
  conventional: { color: '#7f7f7f', dash: 'solid', marker: 'circle' },
  'global ts': { color: '#d62728', dash: 'dot', marker: 'square' },
  'per-branch ts': { color: '#1f77b4', dash: 'dashdot', marker: 'diamond' },
  // eecal's per-exit TS on all validation samples (the ICC setting): green dashed, apart from both.
  'ts per exit': { color: '#009E73', dash: 'dash', marker: 'triangle-up' },
};

// Other methods: dashes that the paper's dotted / dash-dot conventions do not use.
const DASHES: SeriesStyle['dash'][] = ['longdash', 'dash', 'longdashdot', 'longdash', 'dash', 'longdashdot'];
const MARKERS = ['triangle-up', 'square', 'diamond', 'x', 'cross', 'star'];

/**
 * Style of the `index`-th series labelled `label`. Labels the paper uses ("uncalibrated",
 * "Conventional", "Global TS", "Per-branch TS", case-insensitive) keep the paper's style, and
 * "TS per exit" has its own; any other label gets palette colour `index`.
 */
export function seriesStyle(label: string, index: number): SeriesStyle {
  const known = KNOWN[label.trim().toLowerCase()];
  if (known) return known;
  const i = ((index % PALETTE.length) + PALETTE.length) % PALETTE.length;
  return { color: PALETTE[i], dash: DASHES[i % DASHES.length], marker: MARKERS[i % MARKERS.length] };
}

/** `#rrggbb` → `rgba(r,g,b,alpha)` (for CI bands and histogram fills). */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`withAlpha: "${hex}" is not a #rrggbb colour`);
  return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}

/** Fonts present on Debian with fonts-dejavu/liberation, so PNG export looks the same everywhere. */
export const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

/** Base layout: white background, light grid, legend above the plot area. */
export function baseLayout(title: string, width = 760, height = 460): PlotlyLayout {
  return {
    title: { text: title, x: 0.02, xanchor: 'left', font: { size: 16 } },
    width,
    height,
    font: { family: FONT_FAMILY, size: 12, color: '#222' },
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
    margin: { l: 64, r: 24, t: 72, b: 56 },
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
