import type { PlotlyFigure } from './figure';
import { renderCurves, type CurveSeries } from './curves';

/**
 * The paper's curve figures (docs/paper-notes.md#figures), each a titled {@link renderCurves}.
 * Series usually are "uncalibrated" plus one per calibration method (or "k = 1 · …", "k = 2 · …" for
 * the second-side-branch comparison); y values are fractions.
 */

/** Common optional title override. */
export interface FigureTitle {
  title?: string;
}

/** Fig. 2: offloading probability P_off = 1 − P[device answers] against p_tar. */
export function offloadingProbabilityFigure(series: readonly CurveSeries[], o: FigureTitle = {}): PlotlyFigure {
  return renderCurves(series, {
    title: o.title ?? 'Offloading probability vs p_tar',
    xTitle: 'p_tar',
    yTitle: 'P[offload]',
    yRange: [0, 1],
    yTickFormat: '.0%',
  });
}

/**
 * Fig. 3: accuracy of the samples the device answers, against p_tar, with the y = p_tar line. The
 * paper's claim: uncalibrated it falls below the line, calibrated it tracks (or exceeds) it.
 */
export function onDeviceAccuracyFigure(series: readonly CurveSeries[], o: FigureTitle = {}): PlotlyFigure {
  return renderCurves(series, {
    title: o.title ?? 'On-device accuracy vs p_tar',
    xTitle: 'p_tar',
    yTitle: 'On-device accuracy',
    yTickFormat: '.0%',
    identityLine: 'y = p_tar',
  });
}

/** Overall accuracy (device and cloud answers together) against p_tar. */
export function overallAccuracyFigure(series: readonly CurveSeries[], o: FigureTitle = {}): PlotlyFigure {
  return renderCurves(series, {
    title: o.title ?? 'Overall accuracy vs p_tar',
    xTitle: 'p_tar',
    yTitle: 'Overall accuracy',
    yTickFormat: '.1%',
  });
}

/** ECE (of the samples the device answers, or of an exit) against p_tar. */
export function eceVsPTarFigure(series: readonly CurveSeries[], o: FigureTitle = {}): PlotlyFigure {
  return renderCurves(series, {
    title: o.title ?? 'ECE vs p_tar',
    xTitle: 'p_tar',
    yTitle: 'ECE',
    yTickFormat: '%',
    yIncludeZero: true,
  });
}

/** Fig. 4: inference outage probability P[Acc_device(batch) < p_tar] with 95% CI error bars; y scaled to the data (with 0). */
export function outageFigure(series: readonly CurveSeries[], o: FigureTitle = {}): PlotlyFigure {
  return renderCurves(series, {
    title: o.title ?? 'Inference outage probability vs p_tar',
    xTitle: 'p_tar',
    yTitle: 'P[outage]',
    yTickFormat: '%',
    yIncludeZero: true,
    band: 'errorbars',
  });
}

/** Fig. 5: missed-deadline probability against the deadline t_tar (x in ms), with 95% CI bands. */
export function missedDeadlineFigure(
  series: readonly CurveSeries[],
  o: FigureTitle & { xTitle?: string } = {},
): PlotlyFigure {
  return renderCurves(series, {
    title: o.title ?? 'Missed-deadline probability vs deadline',
    xTitle: o.xTitle ?? 'Deadline t_tar (ms)',
    yTitle: 'P[missed deadline]',
    yTickFormat: '%',
    yIncludeZero: true,
  });
}
