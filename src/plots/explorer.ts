import { ShapeMismatchError } from '../errors';
import { axisIds, type PlotlyFigure, type PlotlyLayout, type PlotlyTrace } from './figure';
import { curveTraces, identityTrace, type BandStyle, type CurveSeries } from './curves';
import { baseAxis, baseLayout, legendRows } from './style';

/** One panel of an explorer: a y quantity drawn for every method over the shared x grid. */
export interface ExplorerPanel {
  yTitle: string;
  /** One series per method; labels must be the same, in the same order, in every panel. */
  series: readonly CurveSeries[];
  /** Tick format of y (default '.0%'). */
  yTickFormat?: string;
  /** Draw y = x in this panel with this label (e.g. "y = p_tar" on the on-device accuracy panel). */
  identityLine?: string;
}

/** Options of {@link renderExplorer}. */
export interface ExplorerStyle {
  title: string;
  /** x-axis title, also the slider's prefix (e.g. "p_tar"). */
  xTitle: string;
  /** x value the slider starts at (default: the middle of the grid). */
  initialX?: number;
  band?: BandStyle;
  width?: number;
  /** Height of one panel in px (default 240). */
  panelHeight?: number;
  /** Decimals of the values printed by the slider (default 3). */
  digits?: number;
}

/** Per-panel annotation text for x index i: "label: value" for every method. */
function readout(panel: ExplorerPanel, i: number, digits: number): string {
  return panel.series
    .map((s) => `${s.label}: ${s.y[i] === null ? 'n/a' : (s.y[i] as number).toFixed(digits)}`)
    .join('<br>');
}

/** The x grid shared by every series of every panel; throws when they differ. */
function sharedGrid(panels: readonly ExplorerPanel[]): { grid: readonly number[]; labels: string[] } {
  const first = panels[0]?.series[0];
  if (!first) throw new ShapeMismatchError('renderExplorer: expected at least one panel with one series');
  const labels = panels[0].series.map((s) => s.label);
  for (const p of panels) {
    const ls = p.series.map((s) => s.label);
    if (ls.join('\u0000') !== labels.join('\u0000')) {
      throw new ShapeMismatchError(`renderExplorer: panel "${p.yTitle}" has methods [${ls.join(', ')}], expected [${labels.join(', ')}]`);
    }
    for (const s of p.series) {
      if (s.x.length !== first.x.length || s.x.some((v, i) => v !== first.x[i])) {
        throw new ShapeMismatchError(`renderExplorer: series "${s.label}" of panel "${p.yTitle}" has another x grid than "${first.label}" (the slider needs one shared grid)`);
      }
    }
  }
  return { grid: first.x, labels };
}

/**
 * An interactive figure that needs no kernel: panels stacked over a shared x (p_tar), a
 * calibration-method dropdown (plotly `updatemenus`, restyle of trace visibility) and an x slider
 * (plotly `sliders`, relayout of a marker line and of a read-out of every method's value at that x).
 * Values in the read-out are the series' own y values at the grid point, not recomputed.
 */
export function renderExplorer(panels: readonly ExplorerPanel[], style: ExplorerStyle): PlotlyFigure {
  const { grid, labels } = sharedGrid(panels);
  const digits = style.digits ?? 3;
  const ph = style.panelHeight ?? 240;
  const n = panels.length;
  const layout: PlotlyLayout = baseLayout(style.title, style.width ?? 820, 150 + n * ph);
  const legendLabels = [...labels, ...panels.filter((p) => p.identityLine !== undefined).map((p) => p.identityLine as string)];
  const extra = 22 * (legendRows(legendLabels, (style.width ?? 820) - 72 - 190) - 1);
  layout.height = (layout.height as number) + extra;
  layout.margin = { l: 72, r: 190, t: 96 + extra, b: 110 };
  const data: PlotlyTrace[] = [];
  const owner: (string | null)[] = []; // method label owning each trace, null = always shown
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const gap = 0.06;
  const size = (1 - gap * (n - 1)) / n;
  let start = grid.findIndex((x) => x >= (style.initialX ?? grid[Math.floor((grid.length - 1) / 2)]));
  if (start < 0) start = grid.length - 1;
  panels.forEach((p, pi) => {
    const axis = pi + 1;
    const ids = axisIds(axis);
    const top = 1 - pi * (size + gap);
    layout[ids.xKey] = baseAxis(pi === n - 1 ? style.xTitle : '', { anchor: ids.y, ...(pi > 0 ? { matches: 'x' } : {}), showticklabels: pi === n - 1 });
    layout[ids.yKey] = baseAxis(p.yTitle, { domain: [top - size, top], anchor: ids.x, tickformat: p.yTickFormat ?? '.0%' });
    if (p.identityLine !== undefined) {
      data.push(identityTrace(p.identityLine, grid[0], grid[grid.length - 1], axis, true));
      owner.push(null);
    }
    p.series.forEach((s, si) => {
      const traces = curveTraces(s, si, axis, pi === 0, style.band);
      data.push(...traces);
      traces.forEach(() => owner.push(s.label));
    });
    shapes.push({ type: 'line', xref: ids.x, yref: `${ids.y} domain`, x0: grid[start], x1: grid[start], y0: 0, y1: 1, line: { color: '#555', width: 1, dash: 'dot' } });
    annotations.push({
      xref: 'paper', yref: `${ids.y} domain`, x: 1.01, y: 1, xanchor: 'left', yanchor: 'top', align: 'left', showarrow: false,
      text: readout(p, start, digits), bgcolor: 'rgba(255,255,255,0.9)', bordercolor: '#bbb', borderwidth: 1, font: { size: 11 },
    });
  });
  layout.shapes = shapes;
  layout.annotations = annotations;
  const visibleFor = (label: string | null) => owner.map((o) => o === null || label === null || o === label);
  layout.updatemenus = [{
    type: 'dropdown', direction: 'down', x: 1.01, xanchor: 'left', y: 1.0, yanchor: 'bottom', pad: { b: 6 },
    active: 0, showactive: true,
    buttons: [
      { label: 'all methods', method: 'restyle', args: [{ visible: visibleFor(null) }] },
      ...labels.map((l) => ({ label: l, method: 'restyle', args: [{ visible: visibleFor(l) }] })),
    ],
  }];
  layout.sliders = [{
    active: start, x: 0, len: 1, y: 0, yanchor: 'top', pad: { t: 48 },
    currentvalue: { prefix: `${style.xTitle} = `, xanchor: 'left' },
    steps: grid.map((x, i) => {
      const update: Record<string, unknown> = {};
      panels.forEach((p, pi) => {
        update[`shapes[${pi}].x0`] = x;
        update[`shapes[${pi}].x1`] = x;
        update[`annotations[${pi}].text`] = readout(p, i, digits);
      });
      return { label: String(x), method: 'relayout', args: [update] };
    }),
  }];
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
