import type { PlotlyFigure } from '../plots/figure';
import { renderReliability, type ReliabilityPanel } from '../plots/reliability';
import { renderCurves } from '../plots/curves';
import type { CalibrationStudy, MethodReliability } from '../study/calibrationStudy';

/** Reliability panels of the given methods: one row per exit, one column per method. */
export function reliabilityPanels(methods: readonly MethodReliability[]): ReliabilityPanel[][] {
  const exits = methods[0]?.exits ?? [];
  return exits.map((x, e) =>
    methods.map((m) => ({
      title: `${x.name} · ${m.label}`,
      bins: m.exits[e].metrics.bins,
      ece: m.exits[e].metrics.ece,
      numSamples: m.exits[e].numSamples,
    })),
  );
}

/**
 * The calibration figures of a study: reliability diagrams of every exit before and after each
 * method (test split), and ECE per exit as a bar-like line chart across methods.
 */
export function calibrationFigures(study: CalibrationStudy): Record<string, PlotlyFigure> {
  const out: Record<string, PlotlyFigure> = {
    'reliability-all-methods': renderReliability(reliabilityPanels(study.reliability), {
      title: `Reliability diagrams on the test split (${study.bins} bins): rows = exits, columns = methods`,
    }),
  };
  const ts = study.reliability.find((m) => m.id === 'temperature');
  if (ts) {
    out['reliability-before-after-ts'] = renderReliability(reliabilityPanels([study.reliability[0], ts]), {
      title: `Before / after temperature scaling (${study.bins} bins, test split)`,
    });
  }
  const exitNames = study.reliability[0].exits.map((x) => x.name);
  out['ece-per-exit'] = renderCurves(
    study.reliability.map((m) => ({
      label: m.label,
      x: exitNames.map((_, e) => e + 1),
      y: m.exits.map((x) => x.metrics.ece),
    })),
    {
      title: `ECE per exit (${study.bins} bins, test split)`,
      xTitle: 'Exit',
      yTitle: 'ECE',
      yTickFormat: '.1%',
      xTicks: { values: exitNames.map((_, e) => e + 1), labels: exitNames },
    },
  );
  return out;
}
