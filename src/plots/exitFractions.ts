import { ConfigError, ShapeMismatchError } from '../errors';
import type { PlotlyFigure, PlotlyTrace } from './figure';
import { EXIT_COLORS, baseAxis, baseLayout, withAlpha } from './style';
import { legendBelow, placeTitle, textWidth, valueAxis } from './layout';

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
export function renderExitFractions(
  series: readonly ExitFractionSeries[],
  style: ExitFractionStyle = {},
): PlotlyFigure {
  if (series.length === 0) throw new ConfigError('renderExitFractions: no series to draw');
  const data: PlotlyTrace[] = [];
  const owner: number[] = [];
  series.forEach((s, si) => {
    if (s.fractions.length !== s.x.length) {
      throw new ShapeMismatchError(
        `renderExitFractions: "${s.label}" has ${s.fractions.length} fraction rows for ${s.x.length} x values`,
      );
    }
    s.fractions.forEach((row, j) => {
      if (row.length !== s.exitNames.length) {
        throw new ShapeMismatchError(
          `renderExitFractions: "${s.label}" row ${j} has ${row.length} exits, expected ${s.exitNames.length} (${s.exitNames.join(', ')})`,
        );
      }
    });
    s.exitNames.forEach((name, e) => {
      const color = EXIT_COLORS[e % EXIT_COLORS.length];
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: series.length > 1 ? `${name} (${s.label})` : name,
        x: s.x,
        y: s.fractions.map((row) => row[e]),
        stackgroup: `method${si}`,
        line: { color, width: 1 },
        fillcolor: withAlpha(color, 0.55),
        visible: si === 0,
        hovertemplate: `${name}: %{y:.1%}<extra>${s.label}</extra>`,
      });
      owner.push(si);
    });
  });
  const width = style.width ?? 760;
  const title = style.title ?? 'Share of samples per exit';
  const legend = legendBelow(
    series[0].exitNames.map((name) => (series.length > 1 ? `${name} (${series[0].label})` : name)),
    width,
  );
  // With a method dropdown the title wraps short of it, so the two never overlap.
  const menuWidth =
    series.length > 1 ? Math.min(260, Math.ceil(Math.max(...series.map((s) => textWidth(s.label, 12))) + 60)) : 0;
  const head = placeTitle(title, width - menuWidth);
  const layout = baseLayout(title, width, (style.height ?? 460) + legend.height);
  layout.title = head.title;
  layout.legend = legend.legend;
  layout.margin = { l: 64, r: 24, t: head.top, b: 60 + legend.height };
  layout.xaxis = baseAxis(style.xTitle ?? 'p_tar');
  layout.yaxis = baseAxis('Share of samples', valueAxis([], { kind: 'percent', range: [0, 1] }));
  if (series.length > 1) {
    const plotH = (layout.height as number) - head.top - (60 + legend.height);
    layout.updatemenus = [
      {
        type: 'dropdown',
        direction: 'down',
        x: 1,
        xanchor: 'right',
        y: 1 + (head.top - 10) / plotH,
        yanchor: 'top',
        active: 0,
        font: { size: 12 },
        buttons: series.map((s, si) => ({
          label: s.label,
          method: 'restyle',
          args: [{ visible: owner.map((o) => o === si) }],
        })),
      },
    ];
  }
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
