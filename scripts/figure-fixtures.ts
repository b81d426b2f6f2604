/**
 * Small fixtures for every figure builder, shaped like what `eecal reproduce` and the notebooks
 * draw: p_tar sweeps whose methods differ by fractions of a percentage point over a 2-pp range,
 * eight series of k = 1 / k = 2, a 3-exit × 4-method reliability grid, outage values of 0–12 %,
 * exit fractions of three methods, training logs and the calibration-over-training CSV (a 2-exit
 * fixture and the shipped 3-exit model's).
 * `plotsDir` lets the browser test build the same figures with another copy of `src/plots`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlotlyFigure } from '../src/plots/figure';

type Loose = Record<string, (...a: any[]) => any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function load(plotsDir: string, file: string): Loose | null {
  for (const ext of ['.ts', '.js']) {
    const p = path.join(plotsDir, file + ext);
    if (fs.existsSync(p)) return require(p) as Loose;
  }
  return null;
}

const P = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
const wave = (base: number, slope: number, wiggle: number) =>
  P.map((p, i) => base + slope * (p - 0.5) + wiggle * Math.sin(i));
const withBand = (label: string, y: number[], half: number) => ({
  label,
  x: P,
  y,
  lo: y.map((v) => v - half),
  hi: y.map((v) => v + half),
});
const METHODS = ['uncalibrated', 'TS per exit', 'Per-branch TS', 'Global TS'];

/** Every fixture figure the builders in `plotsDir` can make, keyed by name. */
export function fixtureFigures(plotsDir: string, repo: string): Record<string, PlotlyFigure> {
  const out: Record<string, PlotlyFigure> = {};
  const paper = load(plotsDir, 'paperFigures');
  const explorer = load(plotsDir, 'explorer');
  const rel = load(plotsDir, 'reliability');
  const frac = load(plotsDir, 'exitFractions');
  const train = load(plotsDir, 'trainingCurves');
  const costs = load(plotsDir, 'exitCostsFigure');
  const delta = load(plotsDir, 'deltaFigure');
  const cot = load(plotsDir, 'calibrationOverTrainingFigure');
  // The CSV reader lives with the other model-folder formats in records/ (in plots/ before).
  const cotCsv =
    load(path.join(plotsDir, '..', 'records'), 'calibrationOverTraining') ??
    load(plotsDir, 'calibrationOverTrainingCsv');
  // Levels within 2 pp of each other (the ".0%" repeated-tick defect) and bands wider than the gaps.
  const acc = METHODS.map((m, i) => withBand(m, wave(0.745 + 0.001 * i, 0.03, 0.002), 0.004));
  if (paper) {
    out['on-device-accuracy'] = paper.onDeviceAccuracyFigure(acc, {
      title: 'On-device accuracy vs p_tar (1 device branch)',
    });
    out['overall-accuracy'] = paper.overallAccuracyFigure(acc, {
      title: 'Overall accuracy vs p_tar (1 device branch)',
    });
    out['offloading-probability'] = paper.offloadingProbabilityFigure(
      METHODS.map((m, i) => withBand(m, wave(0.3 + 0.02 * i, 0.8, 0.01), 0.01)),
    );
    out.outage = paper.outageFigure(
      METHODS.map((m, i) => ({ ...withBand(m, wave(0.02 + 0.01 * i, 0.1, 0.005), 0.01) })),
      { title: 'Inference outage probability vs p_tar (1 device branch, 2000 rounds of batches of 100)' },
    );
    out['missed-deadline'] = paper.missedDeadlineFigure(
      METHODS.map((m, i) => ({
        label: m,
        x: [5, 10, 15, 20, 25],
        y: [0.5, 0.3, 0.2 - 0.01 * i, 0.1, 0.05],
        lo: [0.45, 0.25, 0.15, 0.08, 0.03],
        hi: [0.55, 0.35, 0.25, 0.12, 0.07],
      })),
    );
  }
  if (explorer) {
    const panels = (labels: string[]) => [
      { yTitle: 'P[offload]', series: labels.map((l, i) => withBand(l, wave(0.3 + 0.004 * i, 0.5, 0.003), 0.01)) },
      {
        yTitle: 'On-device accuracy',
        identityLine: 'y = p_tar',
        series: labels.map((l, i) => withBand(l, wave(0.745 + 0.001 * i, 0.02, 0.002), 0.004)),
      },
      {
        yTitle: 'Overall accuracy',
        series: labels.map((l, i) => withBand(l, wave(0.745 + 0.0005 * i, 0.01, 0.001), 0.003)),
      },
    ];
    out['ptar-explorer'] = explorer.renderExplorer(panels(METHODS), {
      title: 'Offloading vs p_tar, 1 device branch: pick a method, move p_tar',
      xTitle: 'p_tar',
      initialX: 0.8,
    });
    out['second-branch'] = explorer.renderExplorer(
      panels([...METHODS.map((m) => `k=1 · ${m}`), ...METHODS.map((m) => `k=2 · ${m}`)]),
      { title: 'One vs two device side branches', xTitle: 'p_tar', initialX: 0.8 },
    );
  }
  if (rel) {
    const bins = Array.from({ length: 15 }, (_, b) => ({
      lo: b / 15,
      hi: (b + 1) / 15,
      count: b < 3 ? 0 : 10 * b,
      meanConfidence: (b + 0.5) / 15,
      accuracy: Math.max(0, (b + 0.5) / 15 - 0.08),
    }));
    const panel = (t: string) => ({ title: t, bins, ece: 0.0734, numSamples: bins.reduce((s, b) => s + b.count, 0) });
    out['reliability-grid'] = rel.renderReliability(
      ['branch1', 'branch2', 'final'].map((x) => METHODS.map((m) => panel(`${x} · ${m}`))),
      { title: 'Reliability diagrams on the test split (15 bins): rows = exits, columns = methods' },
    );
    out['reliability-single'] = rel.renderReliability([[panel('branch1 · uncalibrated')]], {
      title: 'Reliability of branch1 on the test split, uncalibrated: accuracy vs confidence (test split, 15 bins)',
    });
  }
  if (frac) {
    const fr = P.map((p) => [0.6 - 0.4 * (p - 0.5), 0.4 + 0.4 * (p - 0.5)]);
    out['exit-fractions'] = frac.renderExitFractions(
      METHODS.slice(0, 3).map((m) => ({ label: m, x: P, exitNames: ['branch1', 'offloaded'], fractions: fr })),
      { title: 'Where samples are answered (1 device branch)' },
    );
  }
  if (train) {
    const rows = Array.from({ length: 16 }, (_, e) => ({
      epoch: e + 1,
      trainLoss: [2 - 0.05 * e, 1.8 - 0.06 * e, 1.6 - 0.07 * e],
      valLoss: [2.1 - 0.04 * e, 1.9 - 0.05 * e, 1.7 - 0.06 * e],
      valAccuracy: [0.55 + 0.004 * e, 0.62 + 0.004 * e, 0.7 + 0.003 * e],
    }));
    out['training-curves'] = train.renderTrainingCurves(['branch1', 'branch2', 'final'], rows, {
      title: 'b-alexnet: training curves per exit',
    });
  }
  if (costs) {
    out['exit-costs'] = costs.renderExitCosts(
      [
        { name: 'branch1', macs: 17.3e6, splitTensorBytes: 65536 },
        { name: 'branch2', macs: 20.9e6, splitTensorBytes: 24576 },
        { name: 'final', macs: 28.2e6, splitTensorBytes: null },
      ],
      { title: 'b-alexnet: device compute to each exit and tensor sent to the cloud' },
    );
  }
  if (delta) {
    out.delta = delta.deltaFigure(
      ['temperature', 'per-branch', 'global', 'isotonic'].map((m, i) => {
        const d = wave(0.004 + 0.001 * i, 0.01, 0.001);
        return { method: m, pTar: P, delta: d, lo: d.map((v) => v - 0.003), hi: d.map((v) => v + 0.003) };
      }),
      { quantity: 'on-device accuracy' },
    );
  }
  if (cot && cotCsv) {
    const text = fs.readFileSync(path.join(repo, 'test', 'fixtures', 'plots', 'calibration-over-training.csv'), 'utf8');
    out['calibration-over-training'] = cot.calibrationOverTrainingFigure(cotCsv.parseCalibrationOverTraining(text), {
      exitNames: ['branch1', 'final'],
    });
    // Three exits: four panels, so the grid has two rows (an axis title meets the next row's headings).
    const shipped = path.join(repo, 'models', 'b-alexnet-cifar10-branchynet', 'calibration-over-training.csv');
    if (fs.existsSync(shipped)) {
      out['calibration-over-training-3-exits'] = cot.calibrationOverTrainingFigure(
        cotCsv.parseCalibrationOverTraining(fs.readFileSync(shipped, 'utf8')),
        { exitNames: ['branch1', 'branch2', 'final'], title: "paper's regime: calibration over training" },
      );
    }
  }
  return out;
}
