import { axisIds, type PlotlyFigure, type PlotlyTrace } from './figure';
import { baseAxis, baseLayout, withAlpha, type SeriesStyle } from './style';
import { figureStyles } from './methodStyles';
import { legendBelow, valueAxis, type ValueKind } from './layout';
import { ConfigError, ShapeMismatchError } from '../errors';

/**
 * One curve: y (and optionally a confidence interval lo…hi) over x. `null` marks a point with no
 * value (for example the on-device accuracy at a p_tar where the device keeps no sample); the line
 * breaks there instead of inventing a value.
 */
export interface CurveSeries {
  /** Legend label, e.g. "uncalibrated", "TS per exit", "k=2 · Per-branch TS". */
  label: string;
  /**
   * Calibration method id ('temperature', 'isotonic', …) that picks the colour from the style
   * registry; when absent it is read from the label ("TS per exit" → 'temperature').
   */
  method?: string;
  /** Device-branch count k, which picks dash and marker; when absent read from a "k=2 · …" label. */
  k?: number;
  x: readonly number[];
  y: readonly (number | null)[];
  /** Lower / upper CI bound per point (same length as x), drawn as a band or error bars. */
  lo?: readonly (number | null)[];
  hi?: readonly (number | null)[];
}

/** Opacity of CI bands: light, so overlapping bands of close methods stay readable. */
export const BAND_ALPHA = 0.1;

/** How a CI is drawn: a shaded band (default) or error bars (as in the paper's outage figures). */
export type BandStyle = 'fill' | 'errorbars';

/** Options of {@link renderCurves}. */
export interface CurveStyle {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Axis ranges; default: plotly's autorange. */
  xRange?: [number, number];
  yRange?: [number, number];
  /**
   * How y values print: a format containing '%' shows percentages, anything else plain numbers. The
   * decimals are chosen from the axis range (so no tick label repeats); this only picks the kind.
   */
  yTickFormat?: string;
  /** Include 0 in the y range (rare-event probabilities). */
  yIncludeZero?: boolean;
  /** Keep the y range within these bounds (default [−2 %, 102 %] for percentages: markers at 0 or 1 stay whole). */
  yClamp?: [number, number];
  /** Draw the identity y = x, labelled (e.g. "y = p_tar"): where on-device accuracy should lie. */
  identityLine?: string;
  band?: BandStyle;
  /** Categorical ticks on x: positions and their labels (e.g. exits 1, 2, 3 → branch1, branch2, final). */
  xTicks?: { values: number[]; labels: string[] };
  width?: number;
  height?: number;
}

/** Check that every per-point array of a series has the length of its x. */
export function checkSeries(s: CurveSeries): void {
  for (const [name, arr] of [
    ['y', s.y],
    ['lo', s.lo],
    ['hi', s.hi],
  ] as const) {
    if (arr && arr.length !== s.x.length) {
      throw new ShapeMismatchError(`curve "${s.label}": ${name} has ${arr.length} points, x has ${s.x.length}`);
    }
  }
}

/**
 * Traces for one series on axis pair `axis` (1-based): CI (band or error bars) then the line.
 * The band is two traces (upper edge, then lower edge filled to it) in the series' legend group.
 */
export function curveTraces(
  s: CurveSeries,
  _index: number,
  axis: number,
  showlegend: boolean,
  band: BandStyle = 'fill',
  style?: SeriesStyle,
): PlotlyTrace[] {
  checkSeries(s);
  const st = style ?? figureStyles([s])[0];
  const { x: xa, y: ya } = axisIds(axis);
  const group = `series:${s.label}`;
  const out: PlotlyTrace[] = [];
  const line: PlotlyTrace = {
    type: 'scatter',
    mode: 'lines+markers',
    name: s.label,
    legendgroup: group,
    showlegend,
    x: s.x,
    y: s.y,
    xaxis: xa,
    yaxis: ya,
    line: { color: st.color, dash: st.dash, width: 2 },
    marker: { color: st.color, symbol: st.marker, size: 6 },
    connectgaps: false,
  };
  if (s.lo && s.hi) {
    const lo = s.lo;
    const hi = s.hi;
    if (band === 'fill') {
      const edge = {
        type: 'scatter' as const,
        mode: 'lines',
        legendgroup: group,
        showlegend: false,
        xaxis: xa,
        yaxis: ya,
        hoverinfo: 'skip',
        line: { width: 0, color: st.color },
      };
      out.push({ ...edge, name: `${s.label} CI high`, x: s.x, y: hi });
      out.push({
        ...edge,
        name: `${s.label} CI low`,
        x: s.x,
        y: lo,
        fill: 'tonexty',
        fillcolor: withAlpha(st.color, BAND_ALPHA),
      });
    } else {
      // Error bars are offsets from the point; a point without a value has no bar.
      line.error_y = {
        type: 'data',
        symmetric: false,
        color: st.color,
        thickness: 1.2,
        width: 4,
        array: s.y.map((y, i) => (y === null || hi[i] === null ? null : (hi[i] as number) - y)),
        arrayminus: s.y.map((y, i) => (y === null || lo[i] === null ? null : y - (lo[i] as number))),
      };
    }
  }
  out.push(line);
  return out;
}

/** The dashed identity line y = x over [from, to] on axis pair `axis`. */
export function identityTrace(label: string, from: number, to: number, axis: number, showlegend: boolean): PlotlyTrace {
  const { x, y } = axisIds(axis);
  return {
    type: 'scatter',
    mode: 'lines',
    name: label,
    legendgroup: 'identity',
    showlegend,
    x: [from, to],
    y: [from, to],
    xaxis: x,
    yaxis: y,
    line: { color: '#222', dash: 'dash', width: 1.5 },
    hoverinfo: 'skip',
  };
}

/**
 * Curves of several series against one x (p_tar, deadline, …) with optional CI bands and the
 * y = x reference line. Series are drawn in the order given; the renderer does not sort or filter.
 */
export function renderCurves(series: readonly CurveSeries[], style: CurveStyle): PlotlyFigure {
  if (series.length === 0) throw new ConfigError(`renderCurves("${style.title}"): no series to draw`);
  const data: PlotlyTrace[] = [];
  const xs = series.flatMap((s) => s.x);
  const identity =
    style.identityLine !== undefined
      ? [style.xRange?.[0] ?? Math.min(...xs), style.xRange?.[1] ?? Math.max(...xs)]
      : [];
  if (style.identityLine !== undefined) data.push(identityTrace(style.identityLine, identity[0], identity[1], 1, true));
  const styles = figureStyles(series);
  series.forEach((s, i) => data.push(...curveTraces(s, i, 1, true, style.band, styles[i])));
  const width = style.width ?? 760;
  const labels = [...(style.identityLine !== undefined ? [style.identityLine] : []), ...series.map((s) => s.label)];
  const legend = legendBelow(labels, width);
  const layout = baseLayout(style.title, width, (style.height ?? 460) + legend.height);
  layout.legend = legend.legend;
  layout.margin = { ...(layout.margin as object), b: 60 + legend.height };
  layout.xaxis = baseAxis(style.xTitle, {
    ...(style.xRange ? { range: style.xRange } : {}),
    ...(style.xTicks ? { tickmode: 'array', tickvals: style.xTicks.values, ticktext: style.xTicks.labels } : {}),
  });
  const kind: ValueKind = style.yTickFormat?.includes('%') ? 'percent' : 'number';
  const ys = [...series.flatMap((s) => [...s.y, ...(s.lo ?? []), ...(s.hi ?? [])]), ...identity];
  layout.yaxis = baseAxis(
    style.yTitle,
    valueAxis(ys, {
      kind,
      range: style.yRange,
      includeZero: style.yIncludeZero,
      clamp: style.yClamp ?? (kind === 'percent' ? [-0.02, 1.02] : undefined),
    }),
  );
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
