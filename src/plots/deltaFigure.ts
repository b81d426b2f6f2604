import { ConfigError, ShapeMismatchError } from '../errors';
import type { PlotlyFigure, PlotlyTrace } from './figure';
import { curveTraces, type CurveSeries } from './curves';
import { baseAxis, baseLayout } from './style';
import { figureStyles } from './methodStyles';
import { legendBelow, valueAxis } from './layout';

/**
 * Differences from the uncalibrated model, with their paired intervals: the quantity a verdict
 * tests. Where methods differ by less than their level bands, the level curves cannot show which is
 * better; Δ curves with paired bands (the same bootstrap resamples for both methods) can.
 */

/** Δ of one method against uncalibrated over p_tar (fractions; lo ≤ Δ ≤ hi is its paired interval). */
export interface DeltaSeries {
  /** Method id from the style registry ('temperature', 'isotonic', …); picks the colour. */
  method: string;
  /** Legend label (default: the method id). */
  label?: string;
  /** Device-branch count, which picks dash and marker. */
  k?: number;
  pTar: readonly number[];
  delta: readonly (number | null)[];
  lo: readonly (number | null)[];
  hi: readonly (number | null)[];
}

/** Options of {@link deltaFigure}. */
export interface DeltaStyle {
  /** Quantity the Δ is of, e.g. "on-device accuracy" (used in the default title and y title). */
  quantity?: string;
  title?: string;
  yTitle?: string;
  /** Confidence level of the intervals, for the title (default 0.95). */
  level?: number;
  width?: number;
  height?: number;
}

/**
 * Δ vs uncalibrated against p_tar, one line per method with its paired interval as a light band in
 * the same legend group (a legend click hides both), and the zero line: a band that does not cross
 * zero is a difference the data support. y is printed in percentage points.
 */
export function deltaFigure(series: readonly DeltaSeries[], style: DeltaStyle = {}): PlotlyFigure {
  if (series.length === 0) throw new ConfigError('deltaFigure: no methods to draw');
  const curves: CurveSeries[] = series.map((s) => {
    const label = s.label ?? s.method;
    for (const [name, arr] of [
      ['delta', s.delta],
      ['lo', s.lo],
      ['hi', s.hi],
    ] as const) {
      if (arr.length !== s.pTar.length)
        throw new ShapeMismatchError(
          `deltaFigure: "${label}" has ${arr.length} ${name} values for ${s.pTar.length} p_tar values`,
        );
    }
    return {
      label,
      method: s.method,
      ...(s.k !== undefined ? { k: s.k } : {}),
      x: s.pTar,
      y: s.delta,
      lo: s.lo,
      hi: s.hi,
    };
  });
  const quantity = style.quantity ?? 'on-device accuracy';
  const level = Math.round(100 * (style.level ?? 0.95));
  const styles = figureStyles(curves);
  const data: PlotlyTrace[] = curves.flatMap((c, i) => curveTraces(c, i, 1, true, 'fill', styles[i]));
  const width = style.width ?? 760;
  const legend = legendBelow(
    curves.map((c) => c.label),
    width,
  );
  const layout = baseLayout(
    style.title ?? `Δ ${quantity} vs uncalibrated, with paired ${level}% intervals`,
    width,
    (style.height ?? 440) + legend.height,
  );
  layout.legend = legend.legend;
  layout.margin = { ...(layout.margin as object), b: 60 + legend.height };
  layout.xaxis = baseAxis('p_tar');
  const ys = curves.flatMap((c) => [...c.y, ...(c.lo ?? []), ...(c.hi ?? [])]);
  layout.yaxis = baseAxis(style.yTitle ?? `Δ ${quantity} (pp)`, {
    ...valueAxis(ys, { kind: 'percent', includeZero: true, signed: true }),
    zeroline: false,
  });
  layout.shapes = [
    { type: 'line', xref: 'x domain', yref: 'y', x0: 0, x1: 1, y0: 0, y1: 0, line: { color: '#222', width: 1.2 } },
  ];
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
