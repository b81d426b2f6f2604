import { ShapeMismatchError } from '../errors';
import { axisIds, type PlotlyFigure, type PlotlyLayout, type PlotlyTrace } from './figure';
import { curveTraces, identityTrace, type BandStyle, type CurveSeries } from './curves';
import { baseAxis, baseLayout } from './style';
import { figureStyles } from './methodStyles';
import { legendBelow, placeTitle, textWidth, valueAxis, type ValueKind } from './layout';

/** One panel of an explorer: a y quantity drawn for every method over the shared x grid. */
export interface ExplorerPanel {
  yTitle: string;
  /** One series per method; labels must be the same, in the same order, in every panel. */
  series: readonly CurveSeries[];
  /** Kind of y values: a format with '%' prints percentages (default), else plain numbers; decimals follow the range. */
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

/** Read-out text of one series at x index i: "label: value". */
function readout(s: CurveSeries, i: number, digits: number): string {
  return `${s.label}: ${s.y[i] === null ? 'n/a' : (s.y[i] as number).toFixed(digits)}`;
}

/** The x grid shared by every series of every panel; throws when they differ. */
function sharedGrid(panels: readonly ExplorerPanel[]): { grid: readonly number[]; labels: string[] } {
  const first = panels[0]?.series[0];
  if (!first) throw new ShapeMismatchError('renderExplorer: expected at least one panel with one series');
  const labels = panels[0].series.map((s) => s.label);
  for (const p of panels) {
    const ls = p.series.map((s) => s.label);
    if (ls.join('\u0000') !== labels.join('\u0000')) {
      throw new ShapeMismatchError(
        `renderExplorer: panel "${p.yTitle}" has methods [${ls.join(', ')}], expected [${labels.join(', ')}]`,
      );
    }
    for (const s of p.series) {
      if (s.x.length !== first.x.length || s.x.some((v, i) => v !== first.x[i])) {
        throw new ShapeMismatchError(
          `renderExplorer: series "${s.label}" of panel "${p.yTitle}" has another x grid than "${first.label}" (the slider needs one shared grid)`,
        );
      }
    }
  }
  return { grid: first.x, labels };
}

/**
 * An interactive figure that needs no kernel: panels stacked over a shared x (p_tar), a
 * calibration-method dropdown (plotly `updatemenus`, restyle of trace visibility) and an x slider
 * (plotly `sliders`) that moves a marker line and a read-out of each method's value at that x.
 * The read-out is one text trace per (panel, method) in a column beside the panel, owned by its
 * method like the curves, so picking a method in the dropdown hides the other methods' read-outs
 * too. Values in the read-out are the series' own y values at the grid point, not recomputed.
 */
export function renderExplorer(panels: readonly ExplorerPanel[], style: ExplorerStyle): PlotlyFigure {
  const { grid, labels } = sharedGrid(panels);
  const digits = style.digits ?? 3;
  const ph = style.panelHeight ?? 240;
  const n = panels.length;
  const width = style.width ?? 900;
  const styles = figureStyles(panels[0].series);
  const legendLabels = [
    ...labels,
    ...new Set(panels.filter((p) => p.identityLine !== undefined).map((p) => p.identityLine as string)),
  ];
  const legend = legendBelow(legendLabels, width);
  const menuWidth = Math.min(260, Math.ceil(Math.max(...['all methods', ...labels].map((l) => textWidth(l, 12))) + 60));
  const head = placeTitle(style.title, width - menuWidth);
  // Below the plots: x-axis title, the slider (with its current-value line), then the legend band.
  const sliderSpace = 96;
  const bottom = 48 + sliderSpace + legend.height;
  const plotH = n * ph;
  const height = head.top + plotH + bottom;
  const layout: PlotlyLayout = baseLayout(style.title, width, height);
  layout.title = head.title;
  layout.margin = { l: 72, r: 16, t: head.top, b: bottom };
  layout.legend = legend.legend;
  const data: PlotlyTrace[] = [];
  const owner: (string | null)[] = []; // method label owning each trace, null = always shown
  const readoutTraces: number[] = [];
  const shapes: Record<string, unknown>[] = [];
  const gap = 0.06;
  const size = (1 - gap * (n - 1)) / n;
  const plotRight = 0.72;
  let start = grid.findIndex((x) => x >= (style.initialX ?? grid[Math.floor((grid.length - 1) / 2)]));
  if (start < 0) start = grid.length - 1;
  panels.forEach((p, pi) => {
    const axis = pi + 1;
    const ids = axisIds(axis);
    const side = axisIds(n + pi + 1); // hidden axis pair of this panel's read-out column
    const top = 1 - pi * (size + gap);
    const domain = [top - size, top];
    const kind: ValueKind = (p.yTickFormat ?? '%').includes('%') ? 'percent' : 'number';
    const ys = [
      ...p.series.flatMap((s) => [...s.y, ...(s.lo ?? []), ...(s.hi ?? [])]),
      ...(p.identityLine !== undefined ? [grid[0], grid[grid.length - 1]] : []),
    ];
    layout[ids.xKey] = baseAxis(pi === n - 1 ? style.xTitle : '', {
      domain: [0, plotRight],
      anchor: ids.y,
      ...(pi > 0 ? { matches: 'x' } : {}),
      showticklabels: pi === n - 1,
    });
    layout[ids.yKey] = baseAxis(p.yTitle, {
      domain,
      anchor: ids.x,
      ...valueAxis(ys, {
        kind,
        clamp: kind === 'percent' ? [-0.02, 1.02] : undefined,
        ticks: Math.max(3, Math.round(ph / 50)),
      }),
    });
    layout[side.xKey] = {
      domain: [plotRight + 0.03, 1],
      anchor: side.y,
      range: [0, 1],
      visible: false,
      fixedrange: true,
    };
    layout[side.yKey] = {
      domain,
      anchor: side.x,
      range: [p.series.length - 0.5, -0.5],
      visible: false,
      fixedrange: true,
    };
    if (p.identityLine !== undefined) {
      data.push(
        identityTrace(
          p.identityLine,
          grid[0],
          grid[grid.length - 1],
          axis,
          pi === panels.findIndex((q) => q.identityLine === p.identityLine),
        ),
      );
      owner.push(null);
    }
    p.series.forEach((s, si) => {
      const traces = curveTraces(s, si, axis, pi === 0, style.band, styles[si]);
      data.push(...traces);
      traces.forEach(() => owner.push(s.label));
    });
    p.series.forEach((s, si) => {
      readoutTraces.push(data.length);
      data.push({
        type: 'scatter',
        mode: 'text',
        name: `${s.label} read-out`,
        showlegend: false,
        hoverinfo: 'skip',
        legendgroup: `series:${s.label}`,
        x: [0],
        y: [si],
        xaxis: side.x,
        yaxis: side.y,
        text: [readout(s, start, digits)],
        textposition: 'middle right',
        textfont: { color: styles[si].color, size: 12 },
      });
      owner.push(s.label);
    });
    shapes.push({
      type: 'line',
      xref: ids.x,
      yref: `${ids.y} domain`,
      x0: grid[start],
      x1: grid[start],
      y0: 0,
      y1: 1,
      line: { color: '#555', width: 1, dash: 'dot' },
    });
  });
  layout.shapes = shapes;
  const visibleFor = (label: string | null) => owner.map((o) => o === null || label === null || o === label);
  layout.updatemenus = [
    {
      type: 'dropdown',
      direction: 'down',
      x: 1,
      xanchor: 'right',
      xref: 'paper',
      y: 1 + (head.top - 10) / plotH,
      yanchor: 'top',
      active: 0,
      showactive: true,
      font: { size: 12 },
      buttons: [
        { label: 'all methods', method: 'restyle', args: [{ visible: visibleFor(null) }] },
        ...labels.map((l) => ({ label: l, method: 'restyle', args: [{ visible: visibleFor(l) }] })),
      ],
    },
  ];
  const readoutSeries = panels.flatMap((p) => p.series);
  layout.sliders = [
    {
      active: start,
      x: 0,
      len: plotRight,
      y: -48 / plotH,
      yanchor: 'top',
      pad: { t: 0 },
      currentvalue: { prefix: `${style.xTitle} = `, xanchor: 'left' },
      steps: grid.map((x, i) => {
        const shapeUpdate: Record<string, unknown> = {};
        panels.forEach((_, pi) => {
          shapeUpdate[`shapes[${pi}].x0`] = x;
          shapeUpdate[`shapes[${pi}].x1`] = x;
        });
        // plotly `update`: restyle the read-out traces' text, relayout the marker lines.
        return {
          label: String(x),
          method: 'update',
          args: [{ text: readoutSeries.map((s) => [readout(s, i, digits)]) }, shapeUpdate, readoutTraces],
        };
      }),
    },
  ];
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
