/**
 * Plotly figure JSON: the one output type of every figure renderer in `src/plots`.
 *
 * A figure is plain, JSON-serialisable data (`{data, layout, config}`), exactly what
 * `Plotly.newPlot(div, fig)` and the Jupyter MIME type `application/vnd.plotly.v1+json` expect.
 * The types are deliberately loose (plotly's schema is huge); the fields eecal sets are named so
 * the compiler still catches typos in them.
 */

/** One plotly trace (scatter, bar, …). Unlisted plotly attributes are allowed through the index signature. */
export interface PlotlyTrace {
  type: 'scatter' | 'bar' | 'histogram' | 'heatmap';
  name?: string;
  x?: readonly (number | string | null)[];
  y?: readonly (number | string | null)[];
  xaxis?: string;
  yaxis?: string;
  mode?: string;
  visible?: boolean | 'legendonly';
  showlegend?: boolean;
  legendgroup?: string;
  [attribute: string]: unknown;
}

/** Plotly layout; `xaxis`, `xaxis2`, … are set through the index signature. */
export interface PlotlyLayout {
  title?: { text: string; [k: string]: unknown };
  width?: number;
  height?: number;
  shapes?: Record<string, unknown>[];
  annotations?: Record<string, unknown>[];
  sliders?: Record<string, unknown>[];
  updatemenus?: Record<string, unknown>[];
  [attribute: string]: unknown;
}

/** A complete plotly figure. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  config?: Record<string, unknown>;
}

/** Plotly's axis id for the n-th axis (1-based): 'x', 'x2', … and the layout key 'xaxis', 'xaxis2', …. */
export function axisIds(n: number): { x: string; y: string; xKey: string; yKey: string } {
  const s = n === 1 ? '' : String(n);
  return { x: `x${s}`, y: `y${s}`, xKey: `xaxis${s}`, yKey: `yaxis${s}` };
}
