import { axisIds, type PlotlyFigure, type PlotlyLayout, type PlotlyTrace } from './figure';
import { EXIT_COLORS, baseAxis, baseLayout } from './style';
import { methodStyle } from './methodStyles';
import { legendBelow, panelGrid, placeTitle, valueAxis, wrapText } from './layout';
import type { CalibrationTrainingRow } from '../records/calibrationOverTraining';
import { RecordFormatError } from '../errors';

/** Options of {@link calibrationOverTrainingFigure}. */
export interface CalibrationOverTrainingStyle {
  title?: string;
  /** Exit names by exit number − 1 (default "exit 1", "exit 2", …). */
  exitNames?: readonly string[];
  /** p_tar values whose on-device shortfall is drawn (default 0.8 and 0.9). */
  pTars?: readonly number[];
}

/** Panel width (px) and the font of the panel headings, which wrap to that width. */
const PANEL_W = 300;
const HEADING_FONT = 12;

/** Dash and marker of each p_tar in the shortfall panels (colour is the method's). */
const PTAR_LINES = [
  { dash: 'solid', marker: 'triangle-up' },
  { dash: 'dash', marker: 'triangle-down' },
  { dash: 'dot', marker: 'star' },
] as const;

/**
 * How calibration evolves while a model trains, from `calibration-over-training.csv`: per exit the
 * test ECE before (solid) and after (dashed) temperature scaling, the fitted temperature T, and for
 * each device-branch count k the on-device shortfall (on-device accuracy − p_tar; below the zero
 * line the device misses its accuracy target) uncalibrated vs TS at each p_tar, all against epoch.
 */
export function calibrationOverTrainingFigure(
  rows: readonly CalibrationTrainingRow[],
  style: CalibrationOverTrainingStyle = {},
): PlotlyFigure {
  if (rows.length === 0) throw new RecordFormatError('calibrationOverTrainingFigure: the file has no rows');
  const pTars = style.pTars ?? [0.8, 0.9];
  const exits = [...new Set(rows.map((r) => r.exit))].sort((a, b) => a - b);
  const nameOf = (e: number) => style.exitNames?.[e - 1] ?? `exit ${e}`;
  const colorOf = (e: number) => EXIT_COLORS[(e - 1) % EXIT_COLORS.length];
  const series = (e: number, col: string) => {
    const rs = rows.filter((r) => r.exit === e).sort((a, b) => a.epoch - b.epoch);
    return { x: rs.map((r) => r.epoch), y: rs.map((r) => r.values[col] ?? null) };
  };
  // Device-branch counts k with any cascade value (they sit on the row of exit k).
  const ks = exits.filter((e) =>
    pTars.some((p) =>
      rows.some(
        (r) =>
          r.exit === e &&
          (r.values[`ondevice_acc_uncal_ptar${p}`] ?? r.values[`ondevice_acc_ts_ptar${p}`] ?? null) !== null,
      ),
    ),
  );
  const headings = [
    'ECE (15 bins, test)',
    'Fitted temperature (validation)',
    ...ks.map((k) => `On-device shortfall, k = ${k} (device: ${k === 1 ? 'exit 1' : `exits 1–${k}`})`),
  ].map((h) => wrapText(h, PANEL_W - 10, HEADING_FONT));
  const headingH = Math.max(...headings.map((h) => h.lines)) * HEADING_FONT * 1.3;
  // Between two rows: the upper row's tick labels and "Epoch" title, then the lower row's headings.
  const grid = panelGrid(2 + ks.length, PANEL_W, 260, 72, 64 + headingH);
  const data: PlotlyTrace[] = [];
  const layout: PlotlyLayout = {};
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const panel = (i: number, yTitle: string, ys: (number | null)[], signed: boolean) => {
    const ids = axisIds(i + 1);
    const d = grid.domain(i);
    layout[ids.xKey] = baseAxis('Epoch', {
      domain: d.x,
      anchor: ids.y,
      ...valueAxis(
        rows.map((r) => r.epoch),
        { ticks: 5 },
      ),
      tickformat: 'd',
      dtick: Math.max(
        1,
        Math.ceil((Math.max(...rows.map((r) => r.epoch)) - Math.min(...rows.map((r) => r.epoch)) + 1) / 6),
      ),
    });
    layout[ids.yKey] = baseAxis(yTitle, {
      domain: d.y,
      anchor: ids.x,
      ...valueAxis(
        ys,
        signed
          ? { kind: 'percent', includeZero: true, signed: true, ticks: 5 }
          : yTitle.startsWith('ECE')
            ? { kind: 'percent', includeZero: true, ticks: 5 }
            : { ticks: 5 },
      ),
    });
    annotations.push({
      text: `<b>${headings[i].text}</b>`,
      xref: `${ids.x} domain`,
      yref: `${ids.y} domain`,
      x: 0,
      y: 1.02,
      xanchor: 'left',
      yanchor: 'bottom',
      align: 'left',
      showarrow: false,
      font: { size: HEADING_FONT },
    });
    return ids;
  };
  // Panel 1: ECE before / after TS per exit.
  const ece = panel(
    0,
    'ECE',
    rows.flatMap((r) => [r.values.test_ece15, r.values.test_ece15_ts]),
    false,
  );
  for (const e of exits) {
    for (const [col, what, dash, symbol] of [
      ['test_ece15', 'ECE', 'solid', 'circle'],
      ['test_ece15_ts', 'ECE after TS', 'dash', 'circle-open'],
    ] as const) {
      const s = series(e, col);
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `${nameOf(e)} · ${what}`,
        legendgroup: `exit${e}`,
        ...s,
        xaxis: ece.x,
        yaxis: ece.y,
        line: { color: colorOf(e), dash, width: 2 },
        marker: { color: colorOf(e), symbol, size: 6 },
        connectgaps: false,
      });
    }
  }
  // Panel 2: fitted temperature per exit.
  const temp = panel(
    1,
    'T',
    rows.map((r) => r.values.temperature_val),
    false,
  );
  for (const e of exits) {
    const s = series(e, 'temperature_val');
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${nameOf(e)} · T`,
      legendgroup: `exit${e}`,
      ...s,
      xaxis: temp.x,
      yaxis: temp.y,
      line: { color: colorOf(e), dash: 'dot', width: 2 },
      marker: { color: colorOf(e), symbol: 'diamond', size: 6 },
      connectgaps: false,
    });
  }
  shapes.push({
    type: 'line',
    xref: `${temp.x} domain`,
    yref: temp.y,
    x0: 0,
    x1: 1,
    y0: 1,
    y1: 1,
    line: { color: '#888', width: 1, dash: 'dot' },
  });
  // Panels 3…: on-device shortfall per k.
  ks.forEach((k, ki) => {
    const ys: (number | null)[] = [];
    const traces: PlotlyTrace[] = [];
    for (const [cal, method, label] of [
      ['uncal', 'uncalibrated', 'uncalibrated'],
      ['ts', 'temperature', 'TS'],
    ] as const) {
      pTars.forEach((p, pi) => {
        const s = series(k, `ondevice_acc_${cal}_ptar${p}`);
        const y = s.y.map((v) => (v === null ? null : v - p));
        ys.push(...y);
        const st = methodStyle(method);
        const ln = PTAR_LINES[pi % PTAR_LINES.length];
        traces.push({
          type: 'scatter',
          mode: 'lines+markers',
          name: `${label} · p_tar ${p}`,
          legendgroup: `${cal}${p}`,
          showlegend: ki === 0,
          x: s.x,
          y,
          line: { color: st.color, dash: ln.dash, width: 2 },
          marker: { color: st.color, symbol: ln.marker, size: 6 },
          connectgaps: false,
          hovertemplate: `epoch %{x}: %{y:+.2%}<extra>${label}, p_tar ${p}, k = ${k}</extra>`,
        });
      });
    }
    const ids = panel(2 + ki, 'On-device accuracy − p_tar', ys, true);
    for (const t of traces) data.push({ ...t, xaxis: ids.x, yaxis: ids.y });
    shapes.push({
      type: 'line',
      xref: `${ids.x} domain`,
      yref: ids.y,
      x0: 0,
      x1: 1,
      y0: 0,
      y1: 0,
      line: { color: '#222', width: 1.2 },
    });
  });
  const width = 64 + grid.plotW + 24;
  const legend = legendBelow(
    data.filter((t) => t.showlegend !== false).map((t) => t.name as string),
    width,
  );
  const title = style.title ?? 'Calibration over training';
  const head = placeTitle(title, width);
  const top = head.top + 8 + headingH; // room for the first row's panel headings
  const bottom = 56 + legend.height;
  const base = baseLayout(title, width, top + grid.plotH + bottom);
  return {
    data,
    layout: {
      ...base,
      ...layout,
      title: head.title,
      margin: { l: 64, r: 24, t: top, b: bottom },
      legend: legend.legend,
      shapes,
      annotations,
    },
    config: { responsive: true, displaylogo: false },
  };
}
