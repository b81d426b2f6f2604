/**
 * The notebook API (notebooks load its compiled copy through `import { openStudy, … } from "./eecal"`,
 * notebooks/eecal.js → dist/src/notebook.js): open a model
 * folder, fit and compare calibration methods, run the offloading study, build and show figures.
 * tfjs-free (a notebook's kernel starts in seconds); a file move inside src/ breaks this file, not
 * nine notebooks. Everything here is re-exported from the layers that own it.
 */
import { readModelFolder, type ModelFolder } from './records/modelFolder';
import type { ExitRecords } from './records/types';
import type { PlotlyFigure } from './plots/figure';
import { openNotebook, type FigureDisplayOptions, type Notebook, type NotebookOptions } from './plots/display/notebook';
import type { TableHtmlOptions, TableLike } from './plots/display/tableHtml';
import type { DataFrame } from 'danfojs-node';
import { defaultConfig, type ReproduceConfig } from './study/config';
import { exitNamesOf, STUDY_METHODS } from './study/analysis';
import { calibrationStudy, type CalibrationStudy, type StudyMethod } from './study/calibrationStudy';
import { calibrationOps } from './study/calibrationOps';
import { offloadingStudy, reproductionLatency, LATENCY_FIELDS, type OffloadingStudy } from './study/offloadingStudy';
import type { ExitLatency } from './cascade/exitLatency';
import { OptionError } from './errors';
import type { ModelManifest, TrainingLog } from './records/modelFolder';
import { readCalibrationOverTraining, type CalibrationTrainingRow } from './records/calibrationOverTraining';
import * as path from 'node:path';
import { notebookClaims, type NotebookClaims } from './notebookStore/notebookClaims';
import type { ClaimMethod } from './study/methodRefits';
import type { ClaimsProgress } from './study/analysis';
import { calibrationMethod } from './calibration/methods';
import type { CalibrationMethodDefinition } from './calibration/methodDefinition';
import { repoRoot } from './util/repoRoot';

export {
  CALIBRATION_METHODS,
  METHOD_IDS,
  BUILTIN_METHODS,
  methodLabel,
  calibrateRecords,
  calibrationMethod,
  resolveMethods,
  offloadingMethod,
  type CalibrationMethod,
  type MethodLike,
  type CalibrationRun,
} from './calibration/methods';
export {
  perExitMethod,
  type CalibrationMethodDefinition,
  type PerExitMethod,
  type MethodFit,
  type CalibrateOptions,
} from './calibration/methodDefinition';
export { FunctionCalibrator, type CalibrationFunction, type CalibrationOutput } from './calibration/functionCalibrator';
export type { Calibrator, CalibratorState, FitReport } from './calibration/types';
export type { ExitFit } from './calibration/earlyExit';
export type { CalibrationFile } from './calibration/calibrationFile';
export { isFittedCalibration, type Calibration, type FittedCalibration } from './calibration/applyCalibration';
export { describeState } from './calibration/describeState';
export { scoreRecords } from './calibration/applyCalibration';
export { defaultConfig, type ReproduceConfig } from './study/config';
export { exitNamesOf, runAnalysis, STUDY_METHODS } from './study/analysis';
export { studyClaims } from './study/analysis';
export { regimeSummary, uncalibratedShortfalls, wilsonInterval, type RegimeSummary } from './study/regimeSummary';
export { regimesMarkdown } from './report/regimesMarkdown';
export { REGIME_TARGETS, regimeTargetChecks, type RegimeTargetCheck } from './study/regimeTargets';
export { parseCalibrationOverTraining, type CalibrationTrainingRow } from './records/calibrationOverTraining';
export { readTrainingLog, type TrainingLog } from './records/trainingLog';
export { calibrationOverTrainingFigure } from './plots/calibrationOverTrainingFigure';

export { notebookClaims, type NotebookClaims, type ClaimsSource } from './notebookStore/notebookClaims';
export { recordsDigest } from './study/claimsProvenance';
export { calibrationOps, fitMethod, exitMetricsOf } from './study/calibrationOps';
export {
  calibrationStudy,
  measureMethod,
  exitSummaryRows,
  type CalibrationStudy,
  type MethodReliability,
} from './study/calibrationStudy';
export {
  offloadingStudy,
  methodKeys,
  stageTimes,
  reproductionLatency,
  type StudyParts,
  type MethodSpec,
  type OffloadingStudy,
  type PartitionStudy,
} from './study/offloadingStudy';
export { calibrationFigures, reliabilityPanels } from './study/calibrationFigures';
export { offloadingFigures, partitionFigures, sweepPanels, secondBranchFigure } from './study/offloadingFigures';
export { recordsKeys, type ExitPolicy } from './study/offloadingInputs';
export { type Claim, type ClaimFacts, type Construction } from './study/offloadingClaims';
export { claimBlock } from './report/reportMarkdown';
export { claimSentence, findingText, constructionText, holdsByConstruction, estimatesText } from './report/claimText';
export { claimToJson, claimFromJson, type ClaimJson } from './report/claimJson';
export { verdictTable, decidingEstimate, VERDICT_RULE } from './report/verdictTable';
export { checkPlayground, type PlaygroundOptions } from './study/playground';
export { parseClaimId, formatClaimId, type ClaimId } from './study/claimId';
export { softmaxRows } from './calibration/logitMath';
export { sweepThresholds } from './offloading/thresholdSweep';
export { choosePartition } from './offloading/partition';
export { UPLINK_PRESETS, cascadeLatency, exitLatencyOf } from './offloading/latencyModel';
export { expressionScores, compileScoreExpression, SCORE_VARIABLES } from './offloading/scoreExpression';
export { renderReliability } from './plots/reliability';
export { renderExitFractions } from './plots/exitFractions';
export { renderExplorer } from './plots/explorer';
export { renderTrainingCurves } from './plots/trainingCurves';
export { exitFractionSeries, sweepSeries, outageSeries, deadlineSeries } from './plots/series';
export { toDataFrame, openNotebook } from './plots/display/notebook';
export { exitRecordsFrame, pivotFrame, type ExitSampleRow } from './plots/display/frames';
// The testbed (notebook 11): measured records, their comparison with the latency model, figures, text.
export { readMeasuredRuns, type MeasuredRun } from './records/measuredRecords';
export { readModelFolder } from './records/modelFolder';
export { readCalibrationFile } from './calibration/calibrationFile';
export { compareTestbedRuns, DEFAULT_TESTBED_COMPARISON, type TestbedComparison } from './study/testbedComparison';
export { latencyVsModelledFigure, deadlineVsModelledFigure, deadlineCurves } from './plots/testbedFigures';
export { testbedComparisonMarkdown } from './report/testbedMarkdown';
export {
  testbedDeadlineClaims,
  DEFAULT_TESTBED_DEADLINE_CLAIM,
  type TestbedDeadlineClaim,
} from './study/testbedDeadlineClaim';
export { testbedDeadlineClaimMarkdown } from './report/testbedDeadlineClaimMarkdown';
export {
  riskControlThreshold,
  deviceSegments,
  countSegments,
  defaultRiskGrid,
  type RiskControlResult,
} from './offloading/riskControl';
export { runGuaranteeStudy, guaranteeFigureStem, RULE_LABELS, type GuaranteeStudy } from './study/guaranteeStudy';
export { guaranteeClaimSentence, guaranteeMarkdown } from './report/guaranteeMarkdown';

/** An opened model folder plus the notebook display: what every analysis notebook starts from. */
export interface Study {
  /** The model folder (manifest, training log, record paths). */
  folder: ModelFolder;
  val: ExitRecords;
  test: ExitRecords;
  /** `eecal-model.json` (null for a records-only folder) and `training-log.json` (null when absent). */
  manifest: Partial<ModelManifest> | null;
  trainingLog: TrainingLog | null;
  /** Exit names (sidecar, else branch1 … final). */
  names: string[];
  /** The reproduction's settings (p_tar grids, bins, latency model, bootstrap). */
  cfg: ReproduceConfig;
  /**
   * Fit methods (built-in ids or method objects, default the reproduction's four TS variants) on
   * val and measure them on test: the fitted calibrations, per-exit table and reliability bins.
   * `option` names the list in errors (e.g. "PLAY.methods").
   */
  calibrate(
    methods?: readonly (StudyMethod | string)[],
    opts?: { pTar?: number; bins?: number; option?: string },
  ): CalibrationStudy;
  /**
   * Per-exit latency of k device branches (default all side branches) under the reproduction's
   * latency model: what `offloadingMethod({ beta, latency })` needs. Records without per-exit
   * costs (no sidecar) are a one-line error.
   */
  latency(edgeExits?: number): ExitLatency;
  /** The offloading study of fitted methods (`calibrate(…).methods`) on test with the reproduction's settings. */
  offload(methods: CalibrationStudy['methods'], cfg?: ReproduceConfig): OffloadingStudy;
  /**
   * The report's claims (TS variants vs uncalibrated, k = 1, 2 …) with their verdicts and a note
   * saying where they come from ({@link notebookClaims}): the report's (B = 1,000) when
   * `eecal reproduce` ran on exactly these records and settings (results/<model>/report.json or
   * docs/reproduction/<model>/report.json), else the cache of an earlier run on them
   * (results/cache/claims/), else computed now by the paired bootstrap with B = `replicates`
   * (default 200, so a cell stays interactive; a verdict near the edge can then differ from the
   * report's, which is the one to cite). `fresh` recomputes. `methods`: ids or method objects of
   * `calibration` (a user's method is refitted on every replicate, with a progress line when slow).
   */
  claims(
    calibration: CalibrationStudy,
    offloading: OffloadingStudy,
    opts?: { replicates?: number; methods?: readonly (ClaimMethod | CalibrationMethodDefinition)[]; fresh?: boolean },
  ): NotebookClaims;
  /** The display helper (figures as plotly + PNG, tables, Markdown). */
  nb: Notebook;
  /** Show a figure (and save it under results/<model folder>/ with `{ save: name }`). */
  show(fig: PlotlyFigure, opts?: FigureDisplayOptions): Promise<void>;
  /** Show rows, a danfojs DataFrame or a table as HTML with a text fallback. */
  table(t: TableLike | DataFrame | readonly object[], opts?: TableHtmlOptions): void;
  /** Show Markdown. */
  markdown(md: string): void;
  /** Close the figure renderer (last cell). */
  close(): Promise<void>;
}

/** A method of `claims(…, { methods })` as its id (objects are checked first). */
function claimMethodId(m: ClaimMethod | CalibrationMethodDefinition, where: string): ClaimMethod {
  return typeof m === 'string' ? m : calibrationMethod(m, where).id;
}

/** A progress line on stdout, at most every 5 s and only for refits expected to last over 5 s (a notebook cell's output). */
function notebookProgress(): ClaimsProgress {
  let last = 0;
  return ({ label, done, total, etaMs }) => {
    const now = Date.now();
    if (done < total && etaMs > 5000 && now - last >= 5000) {
      last = now;
      process.stdout.write(
        `verdicts of ${label}: ${done}/${total} replicates refitted, about ${Math.ceil(etaMs / 1000)} s left\n`,
      );
    }
  };
}

/** The per-epoch calibration a model folder's training tracked (`calibration-over-training.csv`), or null when it has none. */
export function calibrationOverTraining(modelDir: string): CalibrationTrainingRow[] | null {
  return readCalibrationOverTraining(modelDir);
}

/**
 * The shipped model trained in the paper's regime (BranchyNet's recipe), or $EECAL_MODEL_DIR (paths
 * relative to notebooks/): what notebooks 03–08 analyse by default.
 */
export const DEFAULT_MODEL_DIR = '../models/b-alexnet-cifar10-branchynet';
/** The shipped comparison model: same network and split, regularised training (augmentation, cosine, best weights). */
export const COMPARISON_MODEL_DIR = '../models/b-alexnet-cifar10';

/**
 * Where `eecal reproduce` leaves a model folder's report.json: `<results>/<folder name>/` (a run
 * here) and the committed `docs/reproduction/<folder name>/`. Either is used only when its
 * records digest and settings match, so a same-named folder with other records is harmless.
 */
export function reportFilesOf(modelDir: string, resultsDir: string): string[] {
  const name = path.basename(path.resolve(modelDir));
  return [
    path.join(resultsDir, name, 'report.json'),
    path.join(repoRoot(__dirname), 'docs', 'reproduction', name, 'report.json'),
  ];
}

/**
 * Open a model folder for a notebook: both record splits, manifest and training log (when present),
 * the reproduction's settings and the display helper.
 * @param modelDir - default $EECAL_MODEL_DIR, else the B-AlexNet trained in the paper's regime
 *   (`models/b-alexnet-cifar10-branchynet`; `COMPARISON_MODEL_DIR` is the other shipped one).
 */
export function openStudy(
  modelDir: string = process.env.EECAL_MODEL_DIR ?? DEFAULT_MODEL_DIR,
  display: NotebookOptions = {},
): Study {
  const folder = readModelFolder(modelDir);
  // Figures name the model in their titles and are saved under results/<model folder>/.
  const nb = openNotebook({ model: path.basename(path.resolve(modelDir)), ...display });
  const cfg = defaultConfig();
  const names = exitNamesOf(folder.test);
  return {
    folder,
    val: folder.val,
    test: folder.test,
    manifest: folder.manifest,
    trainingLog: folder.trainingLog,
    names,
    cfg,
    calibrate: (methods = STUDY_METHODS, opts = {}) =>
      calibrationStudy(folder.val, folder.test, calibrationOps, {
        methods,
        pTar: opts.pTar ?? cfg.calibrationPTar,
        bins: opts.bins ?? cfg.eceBins,
        exitNames: names,
        ...(opts.option ? { option: opts.option } : {}),
      }),
    offload: (methods, c = cfg) => offloadingStudy(folder.test, methods, c),
    latency: (k = folder.test.numExits - 1) => {
      if (!Number.isInteger(k) || k < 1 || k > folder.test.numExits - 1)
        throw new OptionError(
          ['edgeExits'],
          `latency(${k}): expected a number of device branches in 1…${folder.test.numExits - 1}`,
        );
      const l = reproductionLatency(folder.test, cfg, k);
      if (!l)
        throw new OptionError(
          ['latency'],
          `${folder.files.test}: the records have no per-exit costs (sidecar ${LATENCY_FIELDS}), so there is no latency model`,
        );
      return l;
    },
    claims: (calibration, offloading, opts = {}) =>
      notebookClaims(folder.val, folder.test, calibration, offloading, cfg, {
        replicates: opts.replicates ?? 200,
        fresh: opts.fresh ?? false,
        progress: notebookProgress(),
        ...(opts.methods
          ? { methods: opts.methods.map((m, i) => claimMethodId(m, `claims(…, { methods })[${i}]`)) }
          : {}),
        reportFiles: reportFilesOf(modelDir, nb.resultsDir),
        cacheDir: path.join(nb.resultsDir, 'cache', 'claims'),
      }),
    nb,
    show: (fig, opts) => nb.figure(fig, opts),
    table: (t, opts) => nb.table(t, opts),
    markdown: (md) => nb.markdown(md),
    close: () => nb.close(),
  };
}
