import { ConfigError } from '../errors';
import { ShapeMismatchError } from '../errors';
import type { PlotlyFigure, PlotlyTrace } from './figure';
import { PALETTE, baseAxis, baseLayout } from './style';
import { legendBelow } from './layout';

/**
 * Figures of the accuracy guarantee (pure data → plotly JSON): how often each decision rule's
 * device accuracy misses the target over calibration draws, with Monte-Carlo intervals and the δ
 * line; and the population P_off each rule pays for it.
 */

/** One rule's violation frequency per target, with its interval. */
export interface ViolationSeries {
  label: string;
  targets: readonly number[];
  rate: readonly number[];
  lo: readonly number[];
  hi: readonly number[];
}

/** One rule's mean P_off per target. */
export interface OffloadSeries {
  label: string;
  targets: readonly number[];
  offload: readonly (number | null)[];
  /** Dashed (a reference such as the population oracle) instead of solid. */
  dashed?: boolean;
}

/** Base layout with the legend under the plot (never over the title). */
function withLegendBelow(title: string, data: readonly PlotlyTrace[]) {
  const width = 760;
  const legend = legendBelow(
    data.map((d) => String(d.name ?? '')),
    width,
  );
  const layout = baseLayout(title, width, 440 + legend.height);
  layout.legend = legend.legend;
  layout.margin = { ...(layout.margin as object), b: 60 + legend.height };
  return layout;
}

const color = (i: number) => PALETTE[i % PALETTE.length];

function check(label: string, n: number, arrays: [string, readonly unknown[]][]): void {
  for (const [name, a] of arrays)
    if (a.length !== n)
      throw new ShapeMismatchError(`guarantee figure: "${label}" has ${a.length} ${name} values for ${n} targets`);
}

/**
 * Violation frequency against target, one line per rule with asymmetric error bars (its interval)
 * and the δ line: a rule keeps the guarantee where its interval lies below δ.
 */
export function violationFigure(
  series: readonly ViolationSeries[],
  delta: number,
  title: string,
  intervalLevel: number,
): PlotlyFigure {
  if (series.length === 0) throw new ConfigError('violationFigure: no rules to draw');
  const data: PlotlyTrace[] = series.map((s, i) => {
    check(s.label, s.targets.length, [
      ['rate', s.rate],
      ['lo', s.lo],
      ['hi', s.hi],
    ]);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: s.label,
      x: s.targets,
      y: s.rate,
      line: { color: color(i), width: 2 },
      marker: { color: color(i), size: 7 },
      error_y: {
        type: 'data',
        symmetric: false,
        array: s.hi.map((h, j) => h - s.rate[j]),
        arrayminus: s.rate.map((r, j) => r - s.lo[j]),
        color: color(i),
        thickness: 1.2,
        width: 4,
      },
      hovertemplate: `${s.label}<br>target %{x}<br>violations %{y:.1%}<extra></extra>`,
    };
  });
  const xs = series.flatMap((s) => s.targets);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  data.push({
    type: 'scatter',
    mode: 'lines',
    name: `δ = ${delta}`,
    x: [x0, x1],
    y: [delta, delta],
    line: { color: '#444', dash: 'dash', width: 1.5 },
    hoverinfo: 'skip',
  });
  const layout = withLegendBelow(`${title} (bars: ${(100 * intervalLevel).toFixed(1)} % Clopper–Pearson)`, data);
  layout.xaxis = baseAxis('target accuracy on kept samples (= p_tar of the calibration rules)');
  layout.yaxis = baseAxis('share of calibration draws missing the target', { tickformat: '.0%', rangemode: 'tozero' });
  return { data, layout };
}

/** Mean population P_off against target: the price of each rule (lower keeps more on the device). */
export function offloadFigure(series: readonly OffloadSeries[], title: string): PlotlyFigure {
  if (series.length === 0) throw new ConfigError('offloadFigure: no rules to draw');
  const data: PlotlyTrace[] = series.map((s, i) => {
    check(s.label, s.targets.length, [['offload', s.offload]]);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: s.label,
      x: s.targets,
      y: s.offload,
      line: { color: s.dashed ? '#444' : color(i), width: 2, dash: s.dashed ? 'dot' : 'solid' },
      marker: { color: s.dashed ? '#444' : color(i), size: 7 },
      hovertemplate: `${s.label}<br>target %{x}<br>P_off %{y:.1%}<extra></extra>`,
    };
  });
  const layout = withLegendBelow(title, data);
  layout.xaxis = baseAxis('target accuracy on kept samples');
  layout.yaxis = baseAxis('P_off on the population (mean over draws)', { tickformat: '.0%', range: [0, 1] });
  return { data, layout };
}
