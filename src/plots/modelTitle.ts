import type { PlotlyFigure } from './figure';
import { placeTitle } from './layout';

/**
 * The figure with the model's name at the head of its title ("b-alexnet-cifar10-branchynet · …"),
 * so a saved or pasted figure says which model it shows. The title is wrapped again at the figure
 * width; when it needs more lines, the figure grows by that many pixels at the top (height and top
 * margin alike), so the plot area keeps its size and every container-anchored part (legend band,
 * notes) keeps its distance from the bottom. A title that already names the model is unchanged.
 */
export function withModelInTitle(fig: PlotlyFigure, model: string): PlotlyFigure {
  const old = fig.layout.title?.text;
  if (!model || old === undefined || old.includes(model)) return fig;
  const width = fig.layout.width ?? 760;
  const height = fig.layout.height ?? 460;
  // The builders wrap with <br>; unwrapped, the old and new texts are measured the same way.
  const plain = old.replace(/<br\s*\/?>/gi, ' ');
  const before = placeTitle(plain, width);
  const after = placeTitle(`${model} · ${plain}`, width);
  const extra = after.top - before.top;
  const newH = height + extra;
  const margin = (fig.layout.margin ?? {}) as Record<string, number>;
  const keepFromBottom = (o: Record<string, unknown> | undefined) =>
    o && o.yref === 'container' && typeof o.y === 'number' ? { ...o, y: ((o.y as number) * height) / newH } : o;
  return {
    ...fig,
    layout: {
      ...fig.layout,
      title: { ...fig.layout.title, text: after.title.text, pad: after.title.pad },
      ...(extra > 0
        ? {
            height: newH,
            margin: { ...margin, t: (margin.t ?? 100) + extra },
            ...(fig.layout.legend ? { legend: keepFromBottom(fig.layout.legend as Record<string, unknown>) } : {}),
            annotations: (fig.layout.annotations ?? []).map((a) => keepFromBottom(a) as Record<string, unknown>),
          }
        : {}),
    },
  };
}
