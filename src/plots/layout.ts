import type { PlotlyLayout } from './figure';

/**
 * Layout arithmetic that keeps figure parts from colliding, done before plotly draws: titles
 * wrapped to the figure width, legends in a reserved band below the plot with a fixed entry width
 * (so the row count is known), and tick steps and formats chosen from the data range so no two
 * ticks print the same label. Text widths are estimated from character counts with a deliberately
 * wide average glyph (DejaVu Sans is a wide face); the browser test checks the result.
 */

/** Average glyph width as a fraction of the font size (DejaVu Sans digits/lowercase ≈ 0.55–0.63). */
const GLYPH = 0.64;

/** Estimated width in px of `text` (HTML tags removed) at `fontPx`. */
export function textWidth(text: string, fontPx: number): number {
  return text.replace(/<[^>]*>/g, '').length * GLYPH * fontPx;
}

/**
 * `text` broken into lines (joined with `<br>`) that fit `widthPx` at `fontPx`, breaking at spaces;
 * a single word longer than a line stays whole. Existing `<br>`s are kept.
 */
export function wrapText(text: string, widthPx: number, fontPx: number): { text: string; lines: number } {
  const maxChars = Math.max(8, Math.floor(widthPx / (GLYPH * fontPx)));
  const out: string[] = [];
  for (const para of text.split(/<br\s*\/?>/i)) {
    let line = '';
    for (const word of para.split(/\s+/).filter((w) => w.length > 0)) {
      const next = line ? `${line} ${word}` : word;
      if (line && next.replace(/<[^>]*>/g, '').length > maxChars) {
        out.push(line);
        line = word;
      } else {
        line = next;
      }
    }
    out.push(line);
  }
  return { text: out.join('<br>'), lines: out.length };
}

/** Title font size of eecal figures. */
export const TITLE_FONT = 16;
/** Legend font size (≥ 11 px so a figure stays readable at its logical size). */
export const LEGEND_FONT = 12;

/**
 * A title wrapped to the figure width, anchored to the top of the figure, and the top margin it
 * needs (`extraTop` px more, e.g. for a dropdown above the plot).
 */
export function placeTitle(
  title: string,
  width: number,
  extraTop = 0,
): { title: PlotlyLayout['title'] & object; top: number } {
  const w = wrapText(title, width - 40, TITLE_FONT);
  const lineH = TITLE_FONT * 1.3;
  // plotly anchors a multi-line title's first line at `y` and draws the others above it (the text
  // is shifted up by the extra lines), so the top pad grows with them to keep the block inside.
  return {
    title: {
      text: w.text,
      x: 0.02,
      xanchor: 'left',
      xref: 'container',
      y: 1,
      yanchor: 'top',
      yref: 'container',
      pad: { t: 10 + (w.lines - 1) * lineH },
      font: { size: TITLE_FONT },
    },
    top: Math.ceil(16 + w.lines * lineH + 14 + extraTop),
  };
}

/** A legend band under the plot: plotly legend settings and the px height it takes. */
export interface LegendBand {
  legend: Record<string, unknown>;
  height: number;
  rows: number;
}

/**
 * Horizontal legend at the bottom of the figure (container coordinates, so it never meets the
 * title) with every entry `entrywidth` px wide, which makes the row count computable:
 * entries per row = ⌊available / (symbol + entry)⌋.
 */
export function legendBelow(labels: readonly string[], width: number): LegendBand {
  const symbol = 46; // plotly's item symbol (40 px) plus the gap before the text
  const entry = Math.ceil(Math.max(40, ...labels.map((l) => textWidth(l, LEGEND_FONT))) + 12);
  const perRow = Math.max(1, Math.floor((width - 24) / (entry + symbol)));
  const rows = Math.max(1, Math.ceil(labels.length / perRow));
  const rowH = 22;
  return {
    legend: {
      orientation: 'h',
      x: 0.01,
      xanchor: 'left',
      xref: 'container',
      y: 0,
      yanchor: 'bottom',
      yref: 'container',
      entrywidth: entry,
      entrywidthmode: 'pixels',
      font: { size: LEGEND_FONT },
      bgcolor: 'rgba(255,255,255,0)',
      traceorder: 'normal',
    },
    height: rows * rowH + 14,
    rows,
  };
}

/** How values on an axis are printed. */
export type ValueKind = 'percent' | 'number';

/** Options of {@link valueAxis}. */
export interface ValueAxisOptions {
  kind?: ValueKind;
  /** Include 0 in the range (probabilities of rare events, Δ panels). */
  includeZero?: boolean;
  /** Never go beyond these bounds (e.g. [0, 1] for probabilities). */
  clamp?: [number, number];
  /** Fixed range instead of one from the data. */
  range?: [number, number];
  /** About how many ticks (default 6). */
  ticks?: number;
  /** Show a '+' on positive values (differences). */
  signed?: boolean;
}

/** The 1/2/2.5/5 × 10^n step that gives about `target` intervals over `span`. */
export function niceStep(span: number, target = 6): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * mag >= raw) return f * mag;
  return 10 * mag;
}

/** Decimals needed to print multiples of `step` exactly (step 0.025 → 3). */
export function decimalsFor(step: number): number {
  for (let d = 0; d <= 10; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  return 10;
}

/**
 * Range, tick step and d3 tick format for an axis showing `values` (nulls and NaNs ignored): the
 * range covers the data with 6 % padding, the step is a 1/2/2.5/5 × 10^n value, and the format has
 * as many decimals as the step needs, so consecutive ticks never print the same label ('.0%' on a
 * 2-pp range printed "75%, 75%, 74%" before).
 */
export function valueAxis(
  values: readonly (number | null | undefined)[],
  o: ValueAxisOptions = {},
): Record<string, unknown> {
  const kind = o.kind ?? 'number';
  let lo: number;
  let hi: number;
  if (o.range) {
    [lo, hi] = o.range;
  } else {
    const v = values.filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x));
    lo = v.length ? Math.min(...v) : 0;
    hi = v.length ? Math.max(...v) : 1;
    if (o.includeZero) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    if (hi - lo < 1e-9) {
      const pad = Math.max(Math.abs(hi) * 0.05, kind === 'percent' ? 0.01 : 0.1);
      lo -= pad;
      hi += pad;
    }
    const pad = 0.06 * (hi - lo);
    lo -= pad;
    hi += pad;
    if (o.clamp) {
      lo = Math.max(lo, o.clamp[0]);
      hi = Math.min(hi, o.clamp[1]);
    }
  }
  const step = niceStep(hi - lo, o.ticks ?? 6);
  const scaled = kind === 'percent' ? step * 100 : step;
  const decimals = decimalsFor(Number(scaled.toPrecision(6)));
  const sign = o.signed ? '+' : '';
  return {
    range: [lo, hi],
    autorange: false,
    tickmode: 'linear',
    tick0: 0,
    dtick: step,
    tickformat: `${sign}.${decimals}${kind === 'percent' ? '%' : 'f'}`,
  };
}

/** Most panels side by side in any eecal grid (wider grids wrap). */
export const MAX_PANELS_PER_ROW = 3;

/** Placement of n equal panels, at most {@link MAX_PANELS_PER_ROW} per row, with gaps in px. */
export interface PanelGrid {
  cols: number;
  rows: number;
  /** Size of the plotting area in px (panels plus gaps). */
  plotW: number;
  plotH: number;
  /** Paper-coordinate domains of panel i (row-major, row 0 on top). */
  domain(i: number): { x: [number, number]; y: [number, number] };
}

/** Lay out `n` panels of `panelW` × `panelH` px with `colGap` / `rowGap` px between them. */
export function panelGrid(n: number, panelW: number, panelH: number, colGap = 72, rowGap = 72): PanelGrid {
  const cols = Math.min(MAX_PANELS_PER_ROW, Math.max(1, n));
  const rows = Math.max(1, Math.ceil(n / cols));
  const plotW = cols * panelW + (cols - 1) * colGap;
  const plotH = rows * panelH + (rows - 1) * rowGap;
  return {
    cols,
    rows,
    plotW,
    plotH,
    domain(i) {
      const r = Math.floor(i / cols);
      const c = i % cols;
      return {
        x: [(c * (panelW + colGap)) / plotW, (c * (panelW + colGap) + panelW) / plotW],
        y: [1 - (r * (panelH + rowGap) + panelH) / plotH, 1 - (r * (panelH + rowGap)) / plotH],
      };
    },
  };
}
