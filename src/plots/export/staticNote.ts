import type { PlotlyFigure } from '../figure';
import { wrapText } from '../layout';

/** True when the figure has controls (slider, dropdown) that only work where plotly.js runs. */
export function isInteractive(fig: PlotlyFigure): boolean {
  return (fig.layout.sliders?.length ?? 0) > 0 || (fig.layout.updatemenus?.length ?? 0) > 0;
}

/** The sentence a static image of an interactive figure carries. */
export const STATIC_NOTE =
  "Static image: the slider and menu work in this figure's .html file or in JupyterLab (jupyterlab-plotly); here they show the initial state.";

/**
 * The figure as a static image should show it: an interactive figure gets a line at the bottom
 * saying where its controls work (the figure grows by that line, so nothing else moves: legends and
 * notes anchored to the bottom of the figure are shifted up by the same amount). Figures without
 * controls are returned unchanged.
 */
export function withStaticNote(fig: PlotlyFigure): PlotlyFigure {
  if (!isInteractive(fig)) return fig;
  const width = fig.layout.width ?? 760;
  const height = fig.layout.height ?? 460;
  const w = wrapText(STATIC_NOTE, width - 24, 12);
  const extra = 10 + 17 * w.lines;
  const newH = height + extra;
  const shiftUp = (o: Record<string, unknown> | undefined) =>
    o && o.yref === 'container' && typeof o.y === 'number' && (o.y as number) < 0.5
      ? { ...o, y: ((o.y as number) * height + extra) / newH }
      : o;
  const margin = (fig.layout.margin ?? {}) as Record<string, number>;
  const bottom = (margin.b ?? 56) + extra;
  // Annotations cannot be anchored to the figure's edge (plotly takes yref 'container' for 'paper',
  // which put the note on the lowest plot): the note sits in paper units, 4 px above the bottom edge
  // and 12 px from the left one.
  const plotH = newH - (margin.t ?? 100) - bottom;
  const left = margin.l ?? 80;
  const plotW = width - left - (margin.r ?? 80);
  return {
    ...fig,
    layout: {
      ...fig.layout,
      height: newH,
      margin: { ...margin, b: bottom },
      legend: shiftUp(fig.layout.legend as Record<string, unknown> | undefined),
      annotations: [
        ...(fig.layout.annotations ?? []).map((a) => shiftUp(a) as Record<string, unknown>),
        {
          text: `<i>${w.text}</i>`,
          xref: 'paper',
          yref: 'paper',
          x: (12 - left) / plotW,
          xanchor: 'left',
          y: -(bottom - 4) / plotH,
          yanchor: 'bottom',
          align: 'left',
          showarrow: false,
          font: { size: 12, color: '#555' },
        },
      ],
    },
  };
}
