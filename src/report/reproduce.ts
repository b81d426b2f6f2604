import * as fs from 'node:fs';
import * as path from 'node:path';
import { readModelFolder, type ModelFolder } from '../records/modelFolder';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite';
import { FigureRenderer, findChromium } from '../plots/export/chromium';
import { saveFigure } from '../plots/export/saveFigure';
import { readPlotlyJs } from '../plots/export/plotlyBundle';
import type { CalibrationOps } from '../study/calibrationStudy';
import { runAnalysis, type Analysis, type ClaimsProgress } from '../study/analysis';
import { reportMarkdown, type ReportInput } from './reportMarkdown';
import { claimToJson } from './claimJson';
import { reportTables } from './tables';
import { resolveConfig, type ReproduceConfig } from '../study/config';
import { claimsProvenance } from '../study/claimsProvenance';
import type { CalibrationMethodDefinition } from '../calibration/methodDefinition';

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  /** Model folder holding records/{val,test}.csv (+ sidecars), eecal-model.json, training-log.json. */
  modelDir: string;
  /** Output folder: REPORT.md, report.json, figures/, tables/. */
  outDir: string;
  /** Also write the report here (REPRODUCTION.md at the repo root for the shipped model), or null. */
  reproductionFile: string | null;
  /** Where that copy's PNGs, CSVs and report.json go (default: docs/reproduction/ beside the reproduction file). */
  docDir?: string;
  config: ReproduceConfig;
  ops: CalibrationOps;
  /** Render PNG/SVG with Chromium (default true; HTML and JSON are always written). */
  images: boolean;
  /** The command line to print in the report. */
  command: string;
  eecalVersion: string;
  /** Progress messages (default: none). */
  log?: (msg: string) => void;
  /** Progress of the claims' bootstrap (default: a line per second through `log`). */
  progress?: ClaimsProgress;
  /** A user's methods to compare and judge beside the built-in ones (`--method-module`). */
  methods?: readonly CalibrationMethodDefinition[];
}

/** What {@link reproduce} wrote. */
export interface ReproduceResult {
  analysis: Analysis;
  /** The model folder as read (records, manifest, training log), so callers need not read it again. */
  folder: ModelFolder;
  files: string[];
  /** Why PNG/SVG were not rendered, when they were not. */
  imagesSkipped: string | null;
}

/** Path of `to` relative to the folder of `fromFile`, with a trailing slash, '/' separators. */
function relDir(fromFile: string, to: string): string {
  const rel = path.relative(path.dirname(fromFile), to).split(path.sep).join('/');
  return rel === '' ? '' : `${rel}/`;
}

/**
 * The main job: records → analysis → every figure (PNG, SVG, HTML, JSON), CSV tables, REPORT.md and
 * report.json (claims with numbers), and REPRODUCTION.md when asked. Headless; one Chromium for all
 * figures, always closed.
 */
export async function reproduce(opts: ReproduceOptions): Promise<ReproduceResult> {
  const log = opts.log ?? (() => undefined);
  log(`reading ${opts.modelDir}`);
  const folder = readModelFolder(opts.modelDir);
  const {
    val,
    test,
    manifest,
    trainingLog,
    files: { val: valFile, test: testFile },
  } = folder;
  const architecture = manifest?.architecture ?? test.meta?.model ?? path.basename(opts.modelDir);
  log(`analysing ${test.numSamples} test samples, ${test.numExits} exits`);
  const dataset = manifest?.dataset ?? test.meta?.dataset ?? 'unknown';
  const progress =
    opts.progress ??
    (({ label, done, total, etaMs }: { label: string; done: number; total: number; etaMs: number }) =>
      log(
        `claims of ${label}: ${done}/${total} replicates refitted${done < total ? `, about ${Math.ceil(etaMs / 1000)} s left` : ''}`,
      ));
  const analysis = runAnalysis(
    { val, test, architecture, dataset, trainingLog, extraMethods: opts.methods ?? [], progress },
    opts.config,
    opts.ops,
  );

  const figDir = path.join(opts.outDir, 'figures');
  const tableDir = path.join(opts.outDir, 'tables');
  const files: string[] = [];
  let renderer: FigureRenderer | null = null;
  let imagesSkipped: string | null = null;
  if (!opts.images) imagesSkipped = 'disabled by --no-images';
  else if (!findChromium()) imagesSkipped = 'Chromium not found (/usr/bin/chromium or $EECAL_CHROMIUM)';
  try {
    if (!imagesSkipped) renderer = await FigureRenderer.launch();
    const plotlyJs = readPlotlyJs();
    const stems = Object.keys(analysis.figures);
    for (const stem of stems) {
      log(`figure ${stem}`);
      files.push(...(await saveFigure(analysis.figures[stem], figDir, stem, renderer, { plotlyJs, scale: 2 })));
    }
    for (const [name, csv] of Object.entries(reportTables(analysis.calibration, analysis.offloading))) {
      writeFileAtomic(path.join(tableDir, name), csv);
      files.push(path.join(tableDir, name));
    }
    // Paths in the report are relative to the working directory: the report must not leak this machine's layout.
    const shown = (p: string) => path.relative(process.cwd(), p).split(path.sep).join('/') || '.';
    const input = (reportFile: string, figuresAt = figDir, tablesAt = tableDir): ReportInput => ({
      command: opts.command,
      eecalVersion: opts.eecalVersion,
      model: {
        dir: shown(opts.modelDir),
        architecture,
        dataset,
        backend: test.meta?.backend ?? manifest?.backend ?? null,
        training: manifest?.training ?? null,
      },
      splits: {
        val: { file: shown(valFile), samples: val.numSamples },
        test: { file: shown(testFile), samples: test.numSamples },
      },
      exitNames: analysis.exitNames,
      exitCosts: test.meta?.exits ?? null,
      calibration: analysis.calibration,
      offloading: analysis.offloading,
      claims: analysis.claims,
      comparisons: analysis.comparisons,
      config: opts.config,
      figures: {
        dir: relDir(reportFile, figuresAt),
        stems,
        png: renderer !== null,
        ...(figuresAt !== figDir ? { fullDir: relDir(reportFile, figDir) } : {}),
      },
      tables: {
        dir: relDir(reportFile, tablesAt),
        files: Object.keys(reportTables(analysis.calibration, analysis.offloading)),
      },
    });
    const reportFile = path.join(opts.outDir, 'REPORT.md');
    writeFileAtomic(reportFile, reportMarkdown(input(reportFile)));
    // claimsProvenance (records digest, settings, B, date) lets a notebook show these verdicts when,
    // and only when, it analyses exactly these records with these settings.
    const claimsFrom = claimsProvenance(
      val,
      test,
      analysis.calibration,
      analysis.offloading,
      opts.config,
      resolveConfig(opts.config).claimMethods,
      opts.eecalVersion,
    );
    writeJsonAtomic(path.join(opts.outDir, 'report.json'), {
      claims: analysis.claims.map(claimToJson),
      comparisons: analysis.comparisons.map(claimToJson),
      calibration: analysis.calibration.rows,
      config: opts.config,
      claimsProvenance: claimsFrom,
    });
    files.push(reportFile, path.join(opts.outDir, 'report.json'));
    if (opts.reproductionFile) {
      // The committed REPRODUCTION.md must show its figures and tables in a fresh clone, where
      // results/ (git-ignored) does not exist yet: copy the PNGs and CSVs it links beside it.
      const docDir = opts.docDir ?? path.join(path.dirname(opts.reproductionFile), 'docs', 'reproduction');
      for (const f of [...files]) {
        // report.json too: with it a fresh clone's notebooks show the report's verdicts instead of recomputing them.
        if (f.endsWith('.png') || f.endsWith('.csv') || path.basename(f) === 'report.json') {
          const target = path.join(docDir, path.basename(f));
          writeFileAtomic(target, fs.readFileSync(f));
          files.push(target);
        }
      }
      writeFileAtomic(opts.reproductionFile, reportMarkdown(input(opts.reproductionFile, docDir, docDir)));
      files.push(opts.reproductionFile);
    }
  } finally {
    if (renderer) await renderer.close();
  }
  return { analysis, folder, files, imagesSkipped };
}
