import type { ExitRecords } from '../records/types';
import type { PlotlyFigure } from '../plots/figure';
import { renderTrainingCurves, type TrainingLogRow } from '../plots/trainingCurves';
import { renderExitCosts } from '../plots/exitCostsFigure';
import { isFittedCalibration } from '../calibration/applyCalibration';
import { methodLabel } from '../calibration/methods';
import { calibrationStudy, type CalibrationOps, type CalibrationStudy, type StudyMethod } from './calibrationStudy';
import { offloadingStudy, type OffloadingStudy } from './offloadingStudy';
import { calibrationFigures } from './calibrationFigures';
import { offloadingFigures } from './offloadingFigures';
import { deltaFigures } from './deltaFigures';
import { refitSweepsPerPTar } from './refitPerPTar';
import { offloadingClaims, type Claim } from './offloadingClaims';
import { branchyNetComparison, guoComparison } from './comparisons';
import { CLAIM_METHODS, claimSuffix, isPTarDependent, methodRefit, type ClaimMethod } from './methodRefits';
import { verdictSettings } from './stats/verdictSettings';
import type { ReproduceConfig } from './config';
import { exitNamesOf } from './exitNames';
import { claimTemperatures } from './claimsProvenance';

export { exitNamesOf } from './exitNames';

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


/** The methods a reproduction compares with the uncalibrated model. */
export const STUDY_METHODS: readonly StudyMethod[] = ['temperature', 'per-branch', 'global', 'torch-lbfgs'];

/**
 * The whole analysis of the paper from exit records: calibration on the validation split, the
 * offloading simulator on the test split for k = 1 … E−1 device branches, the paper's claims
 * checked with numbers, the comparisons with BranchyNet and Guo et al., and every figure.
 */
export function runAnalysis(input: AnalysisInput, cfg: ReproduceConfig, ops: CalibrationOps): Analysis {
  const { val, test } = input;
  const exitNames = exitNamesOf(test);
  const calibration = calibrationStudy(val, test, ops, { methods: STUDY_METHODS, pTar: cfg.calibrationPTar, bins: cfg.eceBins, exitNames, fallback: cfg.calibrationSubset ?? 'final' });
  const fixed = offloadingStudy(test, calibration.methods, cfg);
  const offloading = cfg.refitPerPTar ? refitSweepsPerPTar(fixed, val, test, cfg) : fixed;
  const settings = verdictSettings(cfg.verdicts);
  const tsFit = calibration.methods.find((m) => m.id === 'temperature')?.calibration;
  const tsFile = tsFit && isFittedCalibration(tsFit) ? tsFit.file ?? undefined : tsFit;
  const claims = studyClaims(val, test, calibration, offloading, cfg);
  const comparisons = [branchyNetComparison(test, input.architecture, settings), guoComparison(test, tsFile, input.dataset, cfg.eceBins, settings)].filter((c): c is Claim => c !== null);
  const figures: Record<string, PlotlyFigure> = { ...calibrationFigures(calibration), ...offloadingFigures(offloading, exitNames) };
  Object.assign(figures, deltaFigures(claims, 1));
  if (test.meta?.exits) figures['exit-costs'] = renderExitCosts(test.meta.exits, { title: `${input.architecture}: device compute to each exit and tensor sent to the cloud` });
  if (input.trainingLog && input.trainingLog.epochs.length > 0) {
    figures['training-curves'] = renderTrainingCurves(input.trainingLog.exitNames, input.trainingLog.epochs, { title: `${input.architecture}: training curves per exit` });
  }
  return { exitNames, calibration, offloading, claims, comparisons, figures };
}

/**
 * The report's offloading claims for every judged TS variant (`CLAIM_METHODS`) against
 * uncalibrated, each judged by the paired bootstrap with the method refitted on every validation
 * resample by its fast path. Every method draws the same resamples (same seed), so the
 * uncalibrated side is the same for all. Ids of the paper's TS per exit have no suffix, the others
 * `:method`. `replicates` overrides the settings' B (notebooks use fewer to stay interactive);
 * `methods` restricts the variants.
 */
export function studyClaims(
  val: ExitRecords, test: ExitRecords, calibration: CalibrationStudy, offloading: OffloadingStudy, cfg: ReproduceConfig, replicates?: number,
  methods: readonly ClaimMethod[] = cfg.claimMethods ?? CLAIM_METHODS,
): Claim[] {
  const settings = verdictSettings({ ...cfg.verdicts, ...(replicates !== undefined ? { replicates } : {}) });
  const subset = { pTar: cfg.calibrationPTar, fallback: cfg.calibrationSubset ?? 'final' };
  return methods.flatMap((method) => {
    return offloadingClaims({
      val, test, refit: methodRefit(method, val, test, subset),
      ...(cfg.refitPerPTar && isPTarDependent(method) ? { refitAt: (x: number) => methodRefit(method, val, test, { ...subset, pTar: x }) } : {}),
      label: methodLabel(method), idSuffix: claimSuffix(method),
      temperatures: claimTemperatures(calibration, method, test),
      edgeExits: offloading.partitions.map((p) => p.edgeExits), fallback: cfg.fallback, pTarGrid: cfg.pTarGrid,
      batchSize: cfg.batches.batchSize, rounds: cfg.batches.rounds, roundSeed: cfg.batches.seed, deadlinePTar: offloading.deadlinePTar, settings,
    });
  });
}
