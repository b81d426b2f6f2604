import { RecordFormatError, ShapeMismatchError } from '../errors';
import type { TrainingLogEpoch } from '../records/trainingLog';
import type { PlotlyFigure, PlotlyTrace } from './figure';
import { EXIT_COLORS, baseAxis, baseLayout } from './style';
import { legendBelow, valueAxis } from './layout';

/** One epoch of the trainer's log (the per-exit fields that are drawn). */
export type TrainingLogRow = TrainingLogEpoch;

/** Options of {@link renderTrainingCurves}. */
export interface TrainingCurvesStyle {
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Training curves per exit: loss (training solid, validation dashed) on the left and validation
 * accuracy on the right, one colour per exit, from the rows of `training-log.json`.
 */
export function renderTrainingCurves(
  exitNames: readonly string[],
  rows: readonly TrainingLogRow[],
  style: TrainingCurvesStyle = {},
): PlotlyFigure {
  if (rows.length === 0) throw new RecordFormatError('renderTrainingCurves: the training log has no epochs');
  rows.forEach((r) => {
    for (const [field, arr] of [
      ['trainLoss', r.trainLoss],
      ['valLoss', r.valLoss],
      ['valAccuracy', r.valAccuracy],
    ] as const) {
      if (arr.length !== exitNames.length) {
        throw new ShapeMismatchError(
          `training log epoch ${r.epoch}: ${field} has ${arr.length} values, expected one per exit (${exitNames.join(', ')})`,
        );
      }
    }
  });
  const epochs = rows.map((r) => r.epoch);
  const data: PlotlyTrace[] = [];
  exitNames.forEach((name, e) => {
    const color = EXIT_COLORS[e % EXIT_COLORS.length];
    const group = `exit:${name}`;
    data.push(
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `${name} train loss`,
        legendgroup: group,
        x: epochs,
        y: rows.map((r) => r.trainLoss[e]),
        xaxis: 'x',
        yaxis: 'y',
        line: { color, width: 2 },
        marker: { size: 4, color },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `${name} val loss`,
        legendgroup: group,
        x: epochs,
        y: rows.map((r) => r.valLoss[e]),
        xaxis: 'x',
        yaxis: 'y',
        line: { color, width: 2, dash: 'dash' },
        marker: { size: 4, color, symbol: 'circle-open' },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `${name} val accuracy`,
        legendgroup: group,
        showlegend: false,
        x: epochs,
        y: rows.map((r) => r.valAccuracy[e]),
        xaxis: 'x2',
        yaxis: 'y2',
        line: { color, width: 2 },
        marker: { size: 4, color },
      },
    );
  });
  const width = style.width ?? 980;
  const legend = legendBelow(
    data.filter((t) => t.showlegend !== false).map((t) => t.name as string),
    width,
  );
  const layout = baseLayout(style.title ?? 'Training curves per exit', width, (style.height ?? 440) + legend.height);
  layout.margin = { ...(layout.margin as object), b: 60 + legend.height };
  layout.legend = legend.legend;
  layout.xaxis = baseAxis('Epoch', { domain: [0, 0.46], anchor: 'y', dtick: rows.length <= 20 ? 1 : undefined });
  layout.yaxis = baseAxis('Cross-entropy', { anchor: 'x', rangemode: 'tozero' });
  layout.xaxis2 = baseAxis('Epoch', { domain: [0.56, 1], anchor: 'y2', dtick: rows.length <= 20 ? 1 : undefined });
  layout.yaxis2 = baseAxis('Validation accuracy', {
    anchor: 'x2',
    ...valueAxis(
      rows.flatMap((r) => r.valAccuracy),
      { kind: 'percent', clamp: [0, 1] },
    ),
  });
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
