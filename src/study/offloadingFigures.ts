import type { PlotlyFigure } from '../plots/figure';
import { renderExplorer, type ExplorerPanel } from '../plots/explorer';
import { renderExitFractions } from '../plots/exitFractions';
import {
  eceVsPTarFigure,
  missedDeadlineFigure,
  offloadingProbabilityFigure,
  onDeviceAccuracyFigure,
  outageFigure,
  overallAccuracyFigure,
} from '../plots/paperFigures';
import { deadlineSeries, exitFractionSeries, outageSeries, sweepSeries } from '../plots/series';
import type { OffloadingStudy, PartitionStudy } from '../study/offloadingStudy';

/** The three sweep panels (offloading probability, on-device accuracy with y = p_tar, overall accuracy). */
export function sweepPanels(
  methods: PartitionStudy['methods'],
  labelOf: (label: string) => string = (l) => l,
): ExplorerPanel[] {
  return [
    {
      yTitle: 'P[offload]',
      series: methods.map((m) => sweepSeries(labelOf(m.label), m.sweep, 'offloadProbability', m.bands)),
    },
    {
      yTitle: 'On-device accuracy',
      identityLine: 'y = p_tar',
      series: methods.map((m) => sweepSeries(labelOf(m.label), m.sweep, 'onDeviceAccuracy', m.bands)),
    },
    {
      yTitle: 'Overall accuracy',
      series: methods.map((m) => sweepSeries(labelOf(m.label), m.sweep, 'overallAccuracy', m.bands)),
    },
  ];
}

/** Figures of one partition (k device branches), keyed by file stem. */
export function partitionFigures(
  p: PartitionStudy,
  study: OffloadingStudy,
  exitNames: readonly string[],
): Record<string, PlotlyFigure> {
  const k = p.edgeExits;
  const tag = `k${k}`;
  const where = `${k} device branch${k === 1 ? '' : 'es'}`;
  const ms = p.methods;
  return {
    [`offloading-probability-${tag}`]: offloadingProbabilityFigure(
      ms.map((m) => sweepSeries(m.label, m.sweep, 'offloadProbability', m.bands)),
      { title: `Offloading probability vs p_tar (${where})` },
    ),
    [`on-device-accuracy-${tag}`]: onDeviceAccuracyFigure(
      ms.map((m) => sweepSeries(m.label, m.sweep, 'onDeviceAccuracy', m.bands)),
      { title: `On-device accuracy vs p_tar (${where})` },
    ),
    [`overall-accuracy-${tag}`]: overallAccuracyFigure(
      ms.map((m) => sweepSeries(m.label, m.sweep, 'overallAccuracy', m.bands)),
      { title: `Overall accuracy vs p_tar (${where})` },
    ),
    [`ece-vs-ptar-${tag}`]: eceVsPTarFigure(
      ms.map((m) => ({
        label: m.label,
        x: m.deviceEce.map((r) => r.pTar),
        y: m.deviceEce.map((r) => r.ece),
        lo: m.deviceEce.map((r) => r.ciLow),
        hi: m.deviceEce.map((r) => r.ciHigh),
      })),
      { title: `ECE of the samples the device keeps vs p_tar (${where}, ${study.eceBins} bins, 95% bootstrap bands)` },
    ),
    [`exit-fractions-${tag}`]: renderExitFractions(
      ms.map((m) => exitFractionSeries(m.label, m.sweep, exitNames.slice(0, k))),
      { title: `Where samples are answered (${where})` },
    ),
    [`outage-${tag}`]: outageFigure(
      ms.map((m) => outageSeries(m.label, m.outage)),
      {
        title: `Inference outage probability vs p_tar (${where}, full batches of ${study.batches.batchSize}, 95% test-set bootstrap intervals)`,
      },
    ),
    // Without per-exit costs there is no latency, so no curve against the deadline (the study says why).
    ...(study.timing === 'none'
      ? {}
      : {
          [`missed-deadline-${tag}`]: missedDeadlineFigure(
            ms.map((m) => deadlineSeries(m.label, m.deadline)),
            {
              title: `Missed-deadline probability at p_tar = ${study.deadlinePTar} (${where}, ${study.network.uplinkMbps} Mbit/s uplink)`,
            },
          ),
        }),
    [`ptar-explorer-${tag}`]: renderExplorer(sweepPanels(ms), {
      title: `Offloading vs p_tar, ${where}: pick a method, move p_tar`,
      xTitle: 'p_tar',
      initialX: 0.8,
    }),
  };
}

/**
 * "What a second side branch changes" (docs/paper-notes.md#figures): the sweep panels of k = 1 and
 * k = 2 device branches side by side in one explorer, for every method.
 */
export function secondBranchFigure(study: OffloadingStudy): PlotlyFigure | null {
  if (study.partitions.length < 2) return null;
  const [one, two] = study.partitions;
  const methods = [
    ...one.methods.map((m) => ({ ...m, label: `k=1 · ${m.label}` })),
    ...two.methods.map((m) => ({ ...m, label: `k=2 · ${m.label}` })),
  ];
  return renderExplorer(sweepPanels(methods), {
    title: 'One vs two device side branches',
    xTitle: 'p_tar',
    initialX: 0.8,
  });
}

/** Every offloading figure of a study, keyed by file stem. */
export function offloadingFigures(study: OffloadingStudy, exitNames: readonly string[]): Record<string, PlotlyFigure> {
  const out: Record<string, PlotlyFigure> = {};
  for (const p of study.partitions) Object.assign(out, partitionFigures(p, study, exitNames));
  const second = secondBranchFigure(study);
  if (second) out['second-branch'] = second;
  return out;
}
