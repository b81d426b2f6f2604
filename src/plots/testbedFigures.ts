import type { PlotlyFigure, PlotlyTrace } from './figure';
import { PALETTE } from './style';

/**
 * Figures of a testbed run against the latency model: pure data in, plotly figures out.
 * Measured values are solid markers/lines with their 95 % intervals, modelled ones open
 * markers/dashed lines, so the two never look alike.
 */

/** One uplink rate's latency comparison for one quantity (see offloading/measuredVsModelled). */
export interface LatencyPoint {
  uplink: string;
  quantity: string;
  modelledMs: number;
  medianMs: number | null;
  medianCi: [number, number] | null;
  p95Ms: number | null;
}

/** Measured median (with interval) and p95 against the model, per uplink rate, one panel per quantity. */
export function latencyVsModelledFigure(points: readonly LatencyPoint[], title: string): PlotlyFigure {
  const quantities = [...new Set(points.map((p) => p.quantity))];
  const data: PlotlyTrace[] = [];
  const layout: PlotlyFigure['layout'] = {
    title: { text: title },
    width: 360 * quantities.length + 80,
    height: 440,
    margin: { t: 70, b: 90 },
    legend: { orientation: 'h', y: -0.25 },
    font: { size: 12 },
  };
  quantities.forEach((q, i) => {
    const ax = i === 0 ? '' : String(i + 1);
    const pts = points.filter((p) => p.quantity === q);
    const x = pts.map((p) => p.uplink);
    const first = i === 0;
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'measured median (95 % CI)',
      legendgroup: 'median',
      showlegend: first,
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      x,
      y: pts.map((p) => p.medianMs),
      marker: { color: PALETTE[0], size: 9, symbol: 'circle' },
      error_y: {
        type: 'data',
        symmetric: false,
        array: pts.map((p) => (p.medianCi && p.medianMs !== null ? p.medianCi[1] - p.medianMs : null)),
        arrayminus: pts.map((p) => (p.medianCi && p.medianMs !== null ? p.medianMs - p.medianCi[0] : null)),
      },
    });
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'measured p95',
      legendgroup: 'p95',
      showlegend: first,
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      x,
      y: pts.map((p) => p.p95Ms),
      marker: { color: PALETTE[1], size: 9, symbol: 'triangle-up' },
    });
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'latency model',
      legendgroup: 'model',
      showlegend: first,
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      x,
      y: pts.map((p) => p.modelledMs),
      marker: { color: '#000000', size: 11, symbol: 'diamond-open' },
    });
    const w = 1 / quantities.length;
    layout[`xaxis${ax}`] = {
      domain: [i * w + 0.06, (i + 1) * w - 0.02],
      title: { text: 'uplink' },
      type: 'category',
      anchor: `y${ax}`,
    };
    layout[`yaxis${ax}`] = { title: { text: `${q} latency (ms)` }, type: 'log', anchor: `x${ax}` };
  });
  return { data, layout, config: { responsive: true } };
}

/** P[missed deadline] over deadlines, measured and modelled, for one uplink rate and method. */
export interface DeadlineCurve {
  uplink: string;
  method: string;
  pTar: number;
  source: 'measured' | 'modelled';
  deadlineMs: number[];
  missed: number[];
  ciLow: Array<number | null>;
  ciHigh: Array<number | null>;
}

/** One panel per uplink rate; colour = method, solid = measured, dashed = modelled; error bars = 95 % CI. */
export function deadlineVsModelledFigure(curves: readonly DeadlineCurve[], title: string): PlotlyFigure {
  const uplinks = [...new Set(curves.map((c) => c.uplink))];
  const methods = [...new Set(curves.map((c) => c.method))];
  const data: PlotlyTrace[] = [];
  const layout: PlotlyFigure['layout'] = {
    title: { text: title },
    width: 340 * uplinks.length + 80,
    height: 460,
    margin: { t: 70, b: 110 },
    legend: { orientation: 'h', y: -0.3 },
    font: { size: 12 },
  };
  uplinks.forEach((u, i) => {
    const ax = i === 0 ? '' : String(i + 1);
    for (const c of curves.filter((x) => x.uplink === u)) {
      const color = PALETTE[methods.indexOf(c.method) % PALETTE.length];
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `${c.method} · ${c.source} (p_tar ${c.pTar})`,
        legendgroup: `${c.method}-${c.source}`,
        showlegend: i === 0,
        xaxis: `x${ax}`,
        yaxis: `y${ax}`,
        x: c.deadlineMs,
        y: c.missed,
        line: { color, dash: c.source === 'measured' ? 'solid' : 'dash', width: 2 },
        error_y:
          c.source === 'measured'
            ? {
                type: 'data',
                symmetric: false,
                thickness: 1,
                width: 2,
                array: c.missed.map((m, j) => (c.ciHigh[j] === null ? null : (c.ciHigh[j] as number) - m)),
                arrayminus: c.missed.map((m, j) => (c.ciLow[j] === null ? null : m - (c.ciLow[j] as number))),
              }
            : undefined,
      });
    }
    const w = 1 / uplinks.length;
    layout[`xaxis${ax}`] = {
      domain: [i * w + 0.05, (i + 1) * w - 0.02],
      title: { text: `deadline (ms), uplink ${u}` },
      anchor: `y${ax}`,
    };
    layout[`yaxis${ax}`] = {
      title: { text: i === 0 ? 'P[missed deadline]' : '' },
      range: [-0.02, 1.02],
      anchor: `x${ax}`,
    };
  });
  return { data, layout, config: { responsive: true } };
}

/** Curves of the figure from deadline series (measured and modelled per uplink, method, p_tar). */
export function deadlineCurves(
  series: ReadonlyArray<{
    uplink: string;
    method: string;
    pTar: number;
    measured: ReadonlyArray<{
      deadlineMs: number;
      missedProbability: number;
      ciLow: number | null;
      ciHigh: number | null;
    }>;
    modelled: ReadonlyArray<{
      deadlineMs: number;
      missedProbability: number;
      ciLow: number | null;
      ciHigh: number | null;
    }>;
  }>,
): DeadlineCurve[] {
  return series.flatMap((s) =>
    (['measured', 'modelled'] as const).map((source) => {
      const rows = s[source];
      return {
        uplink: s.uplink,
        method: s.method,
        pTar: s.pTar,
        source,
        deadlineMs: rows.map((r) => r.deadlineMs),
        missed: rows.map((r) => r.missedProbability),
        ciLow: rows.map((r) => r.ciLow),
        ciHigh: rows.map((r) => r.ciHigh),
      };
    }),
  );
}
