import type { ExitCost } from '../records/types';
import type { PlotlyFigure } from './figure';
import { EXIT_COLORS, baseAxis, baseLayout } from './style';
import { ConfigError } from '../errors';

/** Options of {@link renderExitCosts}. */
export interface ExitCostsStyle {
  title?: string;
  width?: number;
  height?: number;
}

/**
 * What each exit costs, from the model graph (`computeExitCosts` / the records sidecar): MACs per
 * sample up to each exit (left) and, for each side branch, the size of the tensor sent to the cloud
 * if the model is split there (right, kB). The trade-off of adaptive partitioning in one picture:
 * earlier exits are cheaper on the device but may ship a larger tensor.
 */
export function renderExitCosts(costs: readonly ExitCost[], style: ExitCostsStyle = {}): PlotlyFigure {
  if (costs.length === 0) throw new ConfigError('renderExitCosts: no exits');
  const names = costs.map((c) => c.name);
  const colors = costs.map((_, e) => EXIT_COLORS[e % EXIT_COLORS.length]);
  const side = costs.filter((c) => c.splitTensorBytes !== null);
  const layout = baseLayout(style.title ?? 'Cost of each exit', style.width ?? 900, style.height ?? 420);
  layout.showlegend = false;
  layout.xaxis = baseAxis('Exit', { domain: [0, 0.44], anchor: 'y', type: 'category' });
  layout.yaxis = baseAxis('Million MACs per sample (input → exit)', { anchor: 'x', rangemode: 'tozero' });
  layout.xaxis2 = baseAxis('Split after side branch', { domain: [0.56, 1], anchor: 'y2', type: 'category' });
  layout.yaxis2 = baseAxis('Tensor sent to the cloud (kB, float32)', { anchor: 'x2', rangemode: 'tozero' });
  return {
    data: [
      {
        type: 'bar',
        name: 'MACs',
        x: names,
        y: costs.map((c) => c.macs / 1e6),
        xaxis: 'x',
        yaxis: 'y',
        marker: { color: colors },
        text: costs.map((c) => `${(c.macs / 1e6).toFixed(2)} M`),
        textposition: 'outside',
        hovertemplate: '%{x}: %{y:.2f} M MACs<extra></extra>',
      },
      {
        type: 'bar',
        name: 'split tensor',
        x: side.map((c) => c.name),
        y: side.map((c) => (c.splitTensorBytes as number) / 1024),
        xaxis: 'x2',
        yaxis: 'y2',
        marker: { color: colors.slice(0, side.length) },
        text: side.map((c) => `${((c.splitTensorBytes as number) / 1024).toFixed(1)} kB`),
        textposition: 'outside',
        hovertemplate: '%{x}: %{y:.1f} kB<extra></extra>',
      },
    ],
    layout,
    config: { responsive: true, displaylogo: false },
  };
}
