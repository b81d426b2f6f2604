import type { ExitRecords } from '../records/types';
import type { PlotlyFigure } from '../plots/figure';
import { renderTrainingCurves, type TrainingLogRow } from '../plots/trainingCurves';
import { renderExitCosts } from '../plots/exitCostsFigure';
import { isFittedCalibration } from '../calibration/applyCalibration';
import { CALIBRATION_METHODS, isCalibrationMethod } from '../calibration/methods';
import { calibrationStudy, type CalibrationOps, type CalibrationStudy, type StudyMethod } from './calibrationStudy';
import { offloadingStudy, type OffloadingStudy } from './offloadingStudy';
import { calibrationFigures } from './calibrationFigures';
import { offloadingFigures } from './offloadingFigures';
import { deltaFigures } from './deltaFigures';
import { refitSweepsPerPTar } from './refitPerPTar';
import { offloadingClaims, type Claim } from './offloadingClaims';
import { branchyNetComparison, guoComparison } from './comparisons';
import { claimSuffix, hasFastRefit, isPTarDependent, methodRefit, type ClaimMethod } from './methodRefits';
import type { RefitKeys } from './stats/refitKeys';
import type { CalibrationMethodDefinition } from '../calibration/methodDefinition';
import { OptionError } from '../errors';
import { verdictSettings } from './stats/verdictSettings';
import { resolveConfig, type ReproduceConfig } from './config';
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
  /**
   * Methods compared besides the reproduction's four TS variants (`STUDY_METHODS`): a user's
   * methods (`eecal reproduce --method-module`). They are judged when `claimMethods` lists their ids.
   */
  extraMethods?: readonly CalibrationMethodDefinition[];
  /** Progress of the claims of methods refitted through their own fit. */
  progress?: ClaimsProgress;
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
  const calibration = calibrationStudy(val, test, ops, {
    methods: [...STUDY_METHODS, ...(input.extraMethods ?? [])],
    pTar: cfg.calibrationPTar,
    bins: cfg.eceBins,
    exitNames,
    fallback: resolveConfig(cfg).calibrationSubset,
  });
  const fixed = offloadingStudy(test, calibration.methods, cfg);
  const offloading = cfg.refitPerPTar
    ? refitSweepsPerPTar(
        fixed,
        val,
        test,
        cfg,
        calibration.methods.flatMap((m) => (m.method ? [m.method] : [])),
      )
    : fixed;
  const settings = resolveConfig(cfg).verdicts;
  const tsFit = calibration.methods.find((m) => m.id === 'temperature')?.calibration;
  const tsFile = tsFit && isFittedCalibration(tsFit) ? (tsFit.file ?? undefined) : tsFit;
  const claims = studyClaims(val, test, calibration, offloading, cfg, undefined, undefined, input.progress);
  const comparisons = [
    branchyNetComparison(test, input.architecture, settings),
    guoComparison(test, tsFile, input.dataset, cfg.eceBins, settings),
  ].filter((c): c is Claim => c !== null);
  const figures: Record<string, PlotlyFigure> = {
    ...calibrationFigures(calibration),
    ...offloadingFigures(offloading, exitNames),
  };
  Object.assign(figures, deltaFigures(claims, 1, calibration.methods.slice(1)));
  if (test.meta?.exits)
    figures['exit-costs'] = renderExitCosts(test.meta.exits, {
      title: `${input.architecture}: device compute to each exit and tensor sent to the cloud`,
    });
  if (input.trainingLog && input.trainingLog.epochs.length > 0) {
    figures['training-curves'] = renderTrainingCurves(input.trainingLog.exitNames, input.trainingLog.epochs, {
      title: `${input.architecture}: training curves per exit`,
    });
  }
  return { exitNames, calibration, offloading, claims, comparisons, figures };
}

/**
 * The methods whose claims are judged, as objects: built-in ids from the registry, any other id
 * from the calibration study (a user's method is judged with the object the study fitted).
 * An id neither built in nor fitted is an OptionError naming `claimMethods`.
 */
export function claimMethodsOf(
  calibration: CalibrationStudy,
  methods: readonly ClaimMethod[],
): CalibrationMethodDefinition[] {
  return methods.map((id, i) => {
    const fitted = calibration.methods.find((m) => m.id === id)?.method;
    if (fitted) return fitted;
    if (isCalibrationMethod(id)) return CALIBRATION_METHODS[id];
    throw new OptionError(
      ['claimMethods'],
      `claimMethods[${i}] "${id}": not a built-in method and not among the study's methods (${calibration.methods
        .slice(1)
        .map((m) => m.id)
        .join(', ')})`,
    );
  });
}

/** Progress of the claims of one method refitted through its own fit: replicates done and time left. */
export type ClaimsProgress = (p: {
  method: string;
  label: string;
  done: number;
  total: number;
  elapsedMs: number;
  etaMs: number;
}) => void;

/**
 * Count the refits of a method without a fast path (a user's, or a built-in other than TS) and
 * report them, at most every second, with the time left: a user's fit may be slow.
 */
function withProgress(
  refit: RefitKeys,
  method: CalibrationMethodDefinition,
  total: number,
  progress: ClaimsProgress,
): RefitKeys {
  let done = 0;
  let last = 0;
  const started = Date.now();
  return (idx, read) => {
    const keys = refit(idx, read);
    if (idx === null) return keys;
    done++;
    const now = Date.now();
    if (now - last >= 1000 || done === total) {
      last = now;
      const elapsedMs = now - started;
      progress({
        method: method.id,
        label: method.label,
        done,
        total,
        elapsedMs,
        etaMs: (elapsedMs / done) * (total - done),
      });
    }
    return keys;
  };
}

/** The bootstrap's count of replicates done, as a method's claims progress with the time left. */
function bootstrapProgress(
  method: CalibrationMethodDefinition,
  progress: ClaimsProgress,
): (done: number, total: number) => void {
  const started = Date.now();
  return (done, total) => {
    const elapsedMs = Date.now() - started;
    progress({
      method: method.id,
      label: method.label,
      done,
      total,
      elapsedMs,
      etaMs: done > 0 ? (elapsedMs / done) * (total - done) : NaN,
    });
  };
}

/**
 * The report's offloading claims for every judged method against uncalibrated (by default the
 * four TS variants, `CLAIM_METHODS`; any method of the calibration study can be judged), each by
 * the paired bootstrap with the method refitted on every validation resample: the TS variants
 * by their fast paths, every other method by its own fit, exactly as the study fitted it. Every
 * method draws the same resamples (same seed), so the uncalibrated side is the same for all. Ids
 * of the paper's TS per exit have no suffix, the others `:method`. `replicates` overrides the
 * settings' B (notebooks use fewer to stay interactive); `methods` restricts the judged ones;
 * `progress` hears how far refits without a fast path have got.
 */
export function studyClaims(
  val: ExitRecords,
  test: ExitRecords,
  calibration: CalibrationStudy,
  offloading: OffloadingStudy,
  cfg: ReproduceConfig,
  replicates?: number,
  methods?: readonly ClaimMethod[],
  progress?: ClaimsProgress,
): Claim[] {
  const c = resolveConfig(cfg);
  const settings = verdictSettings({ ...c.verdicts, ...(replicates !== undefined ? { replicates } : {}) });
  const subset = { pTar: c.calibrationPTar, fallback: c.calibrationSubset };
  const judged = claimMethodsOf(calibration, methods ?? c.claimMethods);
  return judged.flatMap((method) => {
    const base = methodRefit(method, val, test, subset);
    const refit = progress && !hasFastRefit(method) ? withProgress(base, method, settings.replicates, progress) : base;
    return offloadingClaims({
      val,
      test,
      refit,
      // A fast refit may run on worker threads: the bootstrap itself counts its replicates.
      ...(progress && hasFastRefit(method) ? { progress: bootstrapProgress(method, progress) } : {}),
      ...(cfg.refitPerPTar && isPTarDependent(method)
        ? { refitAt: (x: number) => methodRefit(method, val, test, { ...subset, pTar: x }) }
        : {}),
      label: method.label,
      idSuffix: claimSuffix(method.id),
      temperatures: claimTemperatures(calibration, method.id, test),
      edgeExits: offloading.partitions.map((p) => p.edgeExits),
      fallback: cfg.fallback,
      pTarGrid: cfg.pTarGrid,
      batchSize: cfg.batches.batchSize,
      rounds: cfg.batches.rounds,
      roundSeed: cfg.batches.seed,
      deadlinePTar: offloading.deadlinePTar,
      settings,
    });
  });
}
