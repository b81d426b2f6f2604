import { ShapeMismatchError } from '../errors';
import type { PlotlyFigure, PlotlyTrace } from './figure';
import { EXIT_COLORS, baseAxis, baseLayout, withAlpha } from './style';

/**
 * Where samples leave the cascade over a p_tar grid, for one calibration method: `fractions[j][e]`
 * is the share of samples answered by exit e at p_tar x[j] (a sweep row's `exitFractions`).
 */
export interface ExitFractionSeries {
  /** Method label, e.g. "uncalibrated". */
  label: string;
  x: readonly number[];
  /** Exit names in order, side branches first, e.g. ["branch1", "branch2", "final"]. */
  exitNames: readonly string[];
  fractions: readonly (readonly number[])[];
}

/** Options of {@link renderExitFractions}. */
export interface ExitFractionStyle {
  title?: string;
  xTitle?: string;
  width?: number;
  height?: number;
}

/**
 * Stacked areas of the share of samples per exit against p_tar (cf. BranchyNet Table I's
 * "exit %" column at one threshold). With several methods a dropdown switches between them.
 */
export function renderExitFractions(series: readonly ExitFractionSeries[], style: ExitFractionStyle = {}): PlotlyFigure {
  if (series.length === 0) throw new Error('renderExitFractions: no series to draw');
  const data: PlotlyTrace[] = [];
  const owner: number[] = [];
  series.forEach((s, si) => {
    if (s.fractions.length !== s.x.length) {
      throw new ShapeMismatchError(`renderExitFractions: "${s.label}" has ${s.fractions.length} fraction rows for ${s.x.length} x values`);
    }
    s.fractions.forEach((row, j) => {
      if (row.length !== s.exitNames.length) {
        throw new ShapeMismatchError(`renderExitFractions: "${s.label}" row ${j} has ${row.length} exits, expected ${s.exitNames.length} (${s.exitNames.join(', ')})`);
      }
    });
    s.exitNames.forEach((name, e) => {
      const color = EXIT_COLORS[e % EXIT_COLORS.length];
      data.push({
        type: 'scatter', mode: 'lines', name: series.length > 1 ? `${name} (${s.label})` : name,
        x: s.x, y: s.fractions.map((row) => row[e]), stackgroup: `method${si}`,
        line: { color, width: 1 }, fillcolor: withAlpha(color, 0.55), visible: si === 0,
        hovertemplate: `${name}: %{y:.1%}<extra>${s.label}</extra>`,
      });
      owner.push(si);
    });
  });
  const layout = baseLayout(style.title ?? 'Share of samples per exit', style.width, style.height);
  layout.xaxis = baseAxis(style.xTitle ?? 'p_tar');
  layout.yaxis = baseAxis('Share of samples', { range: [0, 1], tickformat: '.0%' });
  if (series.length > 1) {
    layout.margin = { l: 64, r: 24, t: 96, b: 56 };
    layout.updatemenus = [{
      type: 'dropdown', direction: 'down', x: 1, xanchor: 'right', y: 1.0, yanchor: 'bottom', pad: { b: 28 }, active: 0,
      buttons: series.map((s, si) => ({ label: s.label, method: 'restyle', args: [{ visible: owner.map((o) => o === si) }] })),
    }];
  }
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
