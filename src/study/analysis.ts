import type { ExitRecords } from '../records/types';
import type { PlotlyFigure } from '../plots/figure';
import { renderTrainingCurves, type TrainingLogRow } from '../plots/trainingCurves';
import { renderExitCosts } from '../plots/exitCostsFigure';
import { methodLabel } from '../calibration/methods';
import { calibrationStudy, type CalibrationOps, type CalibrationStudy, type StudyMethod } from './calibrationStudy';
import { offloadingStudy, type OffloadingStudy } from './offloadingStudy';
import { calibrationFigures } from './calibrationFigures';
import { offloadingFigures } from './offloadingFigures';
import { offloadingClaims, type Claim } from './offloadingClaims';
import { branchyNetComparison, guoComparison } from './comparisons';
import { perExitTemperatureRefit } from './stats/refitKeys';
import { exitTemperature } from '../calibration/applyCalibration';
import { verdictSettings } from './stats/verdictSettings';
import type { ReproduceConfig } from './config';

/** Inputs of a reproduction: the two record splits and what is known about the model. */
export interface AnalysisInput {
  val: ExitRecords;
  test: ExitRecords;
  architecture: string;
  /** Dataset name (e.g. "cifar10"); the Guo et al. comparison only decides for CIFAR-10. */
  dataset: string;
  /** Trainer log rows (training-log.json), when shipped. */
  trainingLog?: { exitNames: string[]; epochs: TrainingLogRow[] } | null;
}

/** Every computed result of a reproduction (plain data, JSON-serialisable apart from typed arrays in calibration files). */
export interface Analysis {
  exitNames: string[];
  calibration: CalibrationStudy;
  offloading: OffloadingStudy;
  claims: Claim[];
  comparisons: Claim[];
  figures: Record<string, PlotlyFigure>;
}

/** Exit names from the records' sidecar, else branch1 … branch{E−1}, final. */
export function exitNamesOf(records: ExitRecords): string[] {
  return records.meta?.exitNames ?? Array.from({ length: records.numExits }, (_, e) => (e === records.numExits - 1 ? 'final' : `branch${e + 1}`));
}

/** The methods a reproduction compares with the uncalibrated model. */
export const STUDY_METHODS: readonly StudyMethod[] = ['temperature', 'per-branch', 'global'];

/**
 * The whole analysis of the paper from exit records: calibration on the validation split, the
 * offloading simulator on the test split for k = 1 … E−1 device branches, the paper's claims
 * checked with numbers, the comparisons with BranchyNet and Guo et al., and every figure.
 */
export function runAnalysis(input: AnalysisInput, cfg: ReproduceConfig, ops: CalibrationOps): Analysis {
  const { val, test } = input;
  const exitNames = exitNamesOf(test);
  const calibration = calibrationStudy(val, test, ops, { methods: STUDY_METHODS, pTar: cfg.calibrationPTar, bins: cfg.eceBins, exitNames });
  const offloading = offloadingStudy(test, calibration.methods, cfg);
  const ts = methodLabel('temperature');
  const settings = verdictSettings(cfg.verdicts);
  const tsFile = calibration.methods.find((m) => m.label === ts)?.calibration;
  const claims = studyClaims(val, test, calibration, offloading, cfg);
  const comparisons = [branchyNetComparison(test, input.architecture, settings), guoComparison(test, tsFile, input.dataset, cfg.eceBins, settings)].filter((c): c is Claim => c !== null);
  const figures: Record<string, PlotlyFigure> = { ...calibrationFigures(calibration), ...offloadingFigures(offloading, exitNames) };
  if (test.meta?.exits) figures['exit-costs'] = renderExitCosts(test.meta.exits, { title: `${input.architecture}: device compute to each exit and tensor sent to the cloud` });
  if (input.trainingLog && input.trainingLog.epochs.length > 0) {
    figures['training-curves'] = renderTrainingCurves(input.trainingLog.exitNames, input.trainingLog.epochs, { title: `${input.architecture}: training curves per exit` });
  }
  return { exitNames, calibration, offloading, claims, comparisons, figures };
}

/**
 * The report's offloading claims for TS per exit against uncalibrated, judged by the paired bootstrap
 * (per-exit TS refitted on every validation resample by the exact fast path, the same optimum as
 * calibrateRecords). `replicates` overrides the settings' B (notebooks use fewer to stay interactive).
 */
export function studyClaims(val: ExitRecords, test: ExitRecords, calibration: CalibrationStudy, offloading: OffloadingStudy, cfg: ReproduceConfig, replicates?: number): Claim[] {
  const ts = methodLabel('temperature');
  const settings = verdictSettings({ ...cfg.verdicts, ...(replicates !== undefined ? { replicates } : {}) });
  const tsFile = calibration.methods.find((m) => m.label === ts)?.calibration;
  return offloadingClaims({
    val, test, refit: perExitTemperatureRefit(val, test), label: ts, idSuffix: '',
    temperatures: tsFile ? exitNamesOf(test).map((_, e) => exitTemperature(tsFile, e)) : null,
    edgeExits: offloading.partitions.map((p) => p.edgeExits), fallback: cfg.fallback, pTarGrid: cfg.pTarGrid,
    batchSize: cfg.batches.batchSize, rounds: cfg.batches.rounds, roundSeed: cfg.batches.seed, deadlinePTar: offloading.deadlinePTar, settings,
  });
}
