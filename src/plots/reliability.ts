import type { BinStat } from '../metrics/types';
import { axisIds, type PlotlyFigure, type PlotlyLayout, type PlotlyTrace } from './figure';
import { baseAxis, baseLayout, pct, withAlpha } from './style';
import { legendBelow, placeTitle, valueAxis, wrapText } from './layout';
import { ConfigError } from '../errors';

/**
 * Rows of more panels than this get narrower panels (220 px instead of 300), so a grid of five
 * methods stays about as wide as a notebook page shows at full size; rows never wrap, since a
 * wrapped row breaks the grid's promise of one row per exit and one column per method.
 */
export const WIDE_GRID_COLUMNS = 3;

/**
 * One bin of a reliability table: the metrics library's `BinStat` (samples with lo < confidence ≤
 * hi). Bins with `count` 0 are drawn as gaps, whatever their other fields hold.
 */
export type ReliabilityBin = BinStat;

/** Everything one reliability panel shows; computed beforehand (prepare-then-draw). */
export interface ReliabilityPanel {
  /** Panel heading, e.g. "exit 1 · uncalibrated". */
  title: string;
  bins: readonly ReliabilityBin[];
  /** Expected calibration error of the same binning, as a fraction (0.0782 → "ECE 7.82%"). */
  ece: number;
  /** Samples behind the panel (Σ count); the histogram shows count / numSamples. */
  numSamples: number;
}

/** Options of {@link renderReliability}. */
export interface ReliabilityStyle {
  /** Figure title. */
  title?: string;
  /** Size of one panel in px (default 300 × 300, histogram included; 420 wide for a single panel). */
  panelWidth?: number;
  panelHeight?: number;
  /** Decimals of the ECE label in percent (default 2). */
  eceDigits?: number;
}

const ACC_COLOR = '#1f77b4';
const GAP_COLOR = '#d62728';
const HIST_COLOR = '#7f7f7f';

/** Traces of one panel on reliability axis `rel` and histogram axis `hist` (1-based axis numbers). */
function panelTraces(
  p: ReliabilityPanel,
  rel: number,
  hist: number,
  first: boolean,
  single: boolean,
  digits: number,
): PlotlyTrace[] {
  const r = axisIds(rel);
  const h = axisIds(hist);
  const filled = p.bins.map((b) => b.count > 0);
  const mid = p.bins.map((b) => (b.lo + b.hi) / 2);
  const width = p.bins.map((b) => b.hi - b.lo);
  const hover = p.bins.map((b, i) =>
    filled[i]
      ? `(${b.lo.toFixed(3)}, ${b.hi.toFixed(3)}]<br>n = ${b.count}<br>confidence ${pct(b.meanConfidence)}<br>accuracy ${pct(b.accuracy)}`
      : `(${b.lo.toFixed(3)}, ${b.hi.toFixed(3)}]<br>empty`,
  );
  const common = { xaxis: r.x, yaxis: r.y, width, hovertext: hover, hoverinfo: 'text' };
  return [
    {
      type: 'bar',
      name: single ? `Accuracy (ECE ${pct(p.ece, digits)})` : 'Accuracy',
      legendgroup: 'accuracy',
      showlegend: first,
      x: mid,
      y: p.bins.map((b, i) => (filled[i] ? b.accuracy : null)),
      marker: { color: ACC_COLOR, line: { color: '#0b3c61', width: 1 } },
      ...common,
    },
    {
      // Gap to the diagonal: a bar from the accuracy up (or down) to the mean confidence.
      type: 'bar',
      name: 'Gap to diagonal',
      legendgroup: 'gap',
      showlegend: first,
      x: mid,
      base: p.bins.map((b, i) => (filled[i] ? b.accuracy : null)),
      y: p.bins.map((b, i) => (filled[i] ? b.meanConfidence - b.accuracy : null)),
      marker: {
        color: withAlpha(GAP_COLOR, 0.3),
        line: { color: GAP_COLOR, width: 1 },
        pattern: { shape: '/', fgcolor: GAP_COLOR },
      },
      ...common,
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'Perfect calibration',
      legendgroup: 'diagonal',
      showlegend: first,
      x: [0, 1],
      y: [0, 1],
      xaxis: r.x,
      yaxis: r.y,
      line: { color: '#444', dash: 'dash', width: 1 },
      hoverinfo: 'skip',
    },
    {
      type: 'bar',
      name: 'Share of samples',
      legendgroup: 'histogram',
      showlegend: first,
      x: mid,
      y: p.bins.map((b) => (p.numSamples > 0 ? b.count / p.numSamples : 0)),
      width,
      xaxis: h.x,
      yaxis: h.y,
      marker: { color: withAlpha(HIST_COLOR, 0.6), line: { color: HIST_COLOR, width: 1 } },
      hovertemplate: '%{y:.1%} of samples<extra></extra>',
    },
  ];
}

/**
 * Reliability diagrams as a grid of small multiples: `panels[row][col]`, typically one row per exit
 * and one column per calibration method (before/after); rows never wrap. Each panel has accuracy bars per confidence
 * bin, the gap to the diagonal, the diagonal itself, a confidence histogram underneath, and its ECE
 * in the corner (and in the legend when the figure has a single panel). Only draws: the bins and
 * ECE come from the metrics library (Guo et al. 2017, Fig. 1 layout).
 */
export function renderReliability(
  panels: readonly (readonly ReliabilityPanel[])[],
  style: ReliabilityStyle = {},
): PlotlyFigure {
  const cols0 = Math.max(0, ...panels.map((r) => r.length));
  if (panels.length === 0 || cols0 === 0)
    throw new ConfigError('renderReliability: no panels to draw (expected at least one row with one panel)');
  // One figure row per input row, one column per position: the layout the caller's title describes.
  const grid = panels;
  const rows = grid.length;
  const cols = cols0;
  const single = rows === 1 && cols === 1;
  const pw = style.panelWidth ?? (single ? 420 : cols > WIDE_GRID_COLUMNS ? 220 : 300);
  const ph = style.panelHeight ?? 300;
  const digits = style.eceDigits ?? 2;
  const colGap = 40;
  const rowGap = 64; // panel heading + the x title of the row above
  const width = 64 + 24 + cols * pw + (cols - 1) * colGap;
  const legend = legendBelow(
    ['Accuracy (ECE 100.00%)', 'Gap to diagonal', 'Perfect calibration', 'Share of samples'],
    width,
  );
  const head = placeTitle(style.title ?? 'Reliability diagram', width);
  const top = head.top + 28; // room for the first row's panel headings (one line, descenders included)
  const bottom = 52 + legend.height;
  const plotH = rows * ph + (rows - 1) * rowGap;
  const plotW = cols * pw + (cols - 1) * colGap;
  const layout: PlotlyLayout = baseLayout(style.title ?? 'Reliability diagram', width, top + plotH + bottom);
  layout.title = head.title;
  layout.barmode = 'overlay';
  layout.bargap = 0;
  layout.margin = { l: 64, r: 24, t: top, b: bottom };
  layout.legend = legend.legend;
  const annotations: Record<string, unknown>[] = [];
  const data: PlotlyTrace[] = [];
  const colDomain = (c: number): [number, number] => [(c * (pw + colGap)) / plotW, (c * (pw + colGap) + pw) / plotW];
  const rowDomain = (r: number): [number, number] => [
    1 - (r * (ph + rowGap) + ph) / plotH,
    1 - (r * (ph + rowGap)) / plotH,
  ];
  let axis = 1;
  grid.forEach((row, ri) => {
    row.forEach((p, ci) => {
      const rel = axis;
      const hist = axis + 1;
      axis += 2;
      const [y0, y1] = rowDomain(ri);
      const split = y0 + 0.27 * (y1 - y0);
      const r = axisIds(rel);
      const h = axisIds(hist);
      const lastInColumn = ri === rows - 1 || (grid[ri + 1]?.length ?? 0) <= ci;
      layout[r.xKey] = baseAxis('', {
        domain: colDomain(ci),
        range: [0, 1],
        anchor: r.y,
        showticklabels: false,
        dtick: 0.2,
      });
      layout[r.yKey] = baseAxis(ci === 0 ? 'Accuracy' : '', {
        domain: [split + 0.02 * (y1 - y0), y1],
        range: [0, 1],
        anchor: r.x,
        dtick: 0.2,
        tickformat: '.1f',
      });
      layout[h.xKey] = baseAxis(lastInColumn ? 'Confidence' : '', {
        domain: colDomain(ci),
        range: [0, 1],
        anchor: h.y,
        matches: r.x,
        dtick: 0.2,
        tickformat: '.1f',
      });
      const shareMax = Math.max(1e-9, ...p.bins.map((b) => (p.numSamples > 0 ? b.count / p.numSamples : 0)));
      layout[h.yKey] = baseAxis(ci === 0 ? 'Share' : '', {
        domain: [y0, split],
        anchor: h.x,
        ...valueAxis([0, shareMax], { kind: 'percent', ticks: 2, clamp: [0, 1] }),
      });
      data.push(...panelTraces(p, rel, hist, ri === 0 && ci === 0, single, digits));
      annotations.push(
        {
          text: `<b>${wrapText(p.title, pw - 10, 12).text}</b>`,
          xref: `${r.x} domain`,
          yref: `${r.y} domain`,
          x: 0.5,
          y: 1.01,
          xanchor: 'center',
          yanchor: 'bottom',
          showarrow: false,
          font: { size: 12 },
        },
        {
          text: `ECE ${pct(p.ece, digits)}`,
          xref: `${r.x} domain`,
          yref: `${r.y} domain`,
          x: 0.03,
          y: 0.97,
          xanchor: 'left',
          yanchor: 'top',
          showarrow: false,
          bgcolor: 'rgba(255,255,255,0.85)',
          bordercolor: '#999',
          borderwidth: 1,
          font: { size: 12 },
        },
      );
    });
  });
  layout.annotations = annotations;
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
