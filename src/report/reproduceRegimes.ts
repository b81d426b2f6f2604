import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite';
import { FigureRenderer, findChromium } from '../plots/export/chromium';
import { saveFigure } from '../plots/export/saveFigure';
import { readPlotlyJs } from '../plots/export/plotlyBundle';
import { REGIME_TARGETS } from '../study/regimeTargets';
import { readCalibrationOverTraining } from '../records/calibrationOverTraining';
import { calibrationOverTrainingFigure } from '../plots/calibrationOverTrainingFigure';
import { regimeSummary, type RegimeSummary } from '../study/regimeSummary';
import { reproduce, type ReproduceOptions, type ReproduceResult } from './reproduce';
import { regimesMarkdown, type RegimeReportModel } from './regimesMarkdown';
import { ConfigError } from '../errors';
import { claimToJson } from './claimJson';
import { testbedSection, type TestbedSection } from './reproduceTestbed';

/** Options of {@link reproduceRegimes}: those of `reproduce`, for several model folders. */
export interface ReproduceRegimesOptions extends Omit<
  ReproduceOptions,
  'modelDir' | 'outDir' | 'reproductionFile' | 'docDir'
> {
  modelDirs: string[];
  /** results/: one sub-folder per model (its own REPORT.md, figures, tables) plus the comparison REPORT.md and report.json. */
  outDir: string;
  /** REPRODUCTION.md to write (the comparison, with each model's report under docs/reproduction/<model>/), or null. */
  reproductionFile: string | null;
  /**
   * docs/reproduction/guarantees.md (written by `eecal guarantees`) exists beside the final REPRODUCTION.md: link it.
   * Asked of the caller because the reproduction file given here may be a staged copy.
   */
  guaranteesPage?: boolean;
  /** A testbed output folder (eecal testbed --out) for the one model analysed, instead of its own `testbed/`. */
  testbedDir?: string;
}

/** What {@link reproduceRegimes} produced. */
export interface ReproduceRegimesResult {
  models: Array<{ name: string; result: ReproduceResult; summary: RegimeSummary; testbed: TestbedSection | null }>;
  files: string[];
}

/** Relative link from the folder of `fromFile` to `to`, with '/' separators. */
const link = (fromFile: string, to: string) => path.relative(path.dirname(fromFile), to).split(path.sep).join('/');

/**
 * The main job over every model folder: each model's full analysis (`reproduce`) into
 * `<out>/<model>/`, then the regime comparison (claims × models, targets, calibration over training)
 * as `<out>/REPORT.md` and `<out>/report.json`, and REPRODUCTION.md when asked. Model names are the
 * folder names, so two folders with the same name are refused.
 */
export async function reproduceRegimes(o: ReproduceRegimesOptions): Promise<ReproduceRegimesResult> {
  const names = o.modelDirs.map((d) => path.basename(path.resolve(d)));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ConfigError(`two model folders are named "${dup}": their results would overwrite each other`);
  const log = o.log ?? (() => undefined);
  const files: string[] = [];
  const models: ReproduceRegimesResult['models'] = [];
  const docRoot = o.reproductionFile ? path.join(path.dirname(o.reproductionFile), 'docs', 'reproduction') : null;
  let renderer: FigureRenderer | null = null;
  try {
    if (o.images && findChromium()) renderer = await FigureRenderer.launch();
    const plotlyJs = readPlotlyJs();
    for (const [i, dir] of o.modelDirs.entries()) {
      const name = names[i];
      log(`model ${name}`);
      const modelOut = path.join(o.outDir, name);
      const docDir = docRoot ? path.join(docRoot, name) : null;
      const result = await reproduce({
        ...o,
        modelDir: dir,
        outDir: modelOut,
        reproductionFile: docDir ? path.join(docDir, 'REPORT.md') : null,
        ...(docDir ? { docDir } : {}),
      });
      files.push(...result.files);
      const folder = result.folder;
      const summary = regimeSummary(
        name,
        folder.manifest,
        folder.trainingLog?.epochs.length ?? null,
        folder.test,
        result.analysis.calibration.rows,
        result.analysis.claims,
        { grid: o.config.pTarGrid, minKept: REGIME_TARGETS.minKept },
      );
      // A shipped testbed run (measured times) is compared with the latency model beside the modelled results.
      const testbed = await testbedSection(
        dir,
        folder.test,
        path.join(modelOut, 'figures'),
        renderer,
        plotlyJs,
        o.testbedDir,
      );
      if (testbed) {
        files.push(...testbed.pngs);
        if (docDir) {
          for (const f of testbed.pngs) {
            writeFileAtomic(path.join(docDir, path.basename(f)), fs.readFileSync(f));
            files.push(path.join(docDir, path.basename(f)));
          }
        }
      }
      models.push({ name, result, summary, testbed });
      const rows = readCalibrationOverTraining(dir);
      if (rows) {
        const fig = calibrationOverTrainingFigure(rows, {
          exitNames: result.analysis.exitNames,
          title: `${name}: calibration over training`,
        });
        const written = await saveFigure(fig, path.join(modelOut, 'figures'), 'calibration-over-training', renderer, {
          plotlyJs,
          scale: 2,
        });
        files.push(...written);
        if (docDir) {
          for (const f of written.filter((w) => w.endsWith('.png'))) {
            writeFileAtomic(path.join(docDir, path.basename(f)), fs.readFileSync(f));
            files.push(path.join(docDir, path.basename(f)));
          }
        }
      }
    }
  } finally {
    if (renderer) await renderer.close();
  }
  // In results/ figures sit in <model>/figures/; the docs copy keeps the PNGs beside each report.
  const entry = (
    reportFile: string,
    base: string,
    figureSub: string,
    m: (typeof models)[number],
  ): RegimeReportModel => {
    const png = path.join(base, m.name, figureSub, 'calibration-over-training.png');
    const testbed = m.testbed && {
      markdown: m.testbed.markdown,
      figures: m.testbed.pngs
        .map((f) => path.join(base, m.name, figureSub, path.basename(f)))
        .filter((f) => fs.existsSync(f))
        .map((f) => link(reportFile, f)),
    };
    return {
      summary: m.summary,
      reportLink: link(reportFile, path.join(base, m.name, 'REPORT.md')),
      trainingFigure: fs.existsSync(png) ? link(reportFile, png) : null,
      testbed,
    };
  };
  const summaryFile = path.join(o.outDir, 'REPORT.md');
  // The risk-control evidence is a separate, slower job (eecal guarantees): linked when its page exists.
  const guaranteesPage = (reportFile: string, root: string | null) =>
    o.guaranteesPage && root ? link(reportFile, path.join(root, 'guarantees.md')) : null;
  writeFileAtomic(
    summaryFile,
    regimesMarkdown({
      command: o.command,
      eecalVersion: o.eecalVersion,
      models: models.map((m) => entry(summaryFile, o.outDir, 'figures', m)),
      guaranteesLink: guaranteesPage(summaryFile, docRoot),
    }),
  );
  writeJsonAtomic(path.join(o.outDir, 'report.json'), {
    format: 'eecal-reproduction',
    version: 1,
    models: models.map((m) => ({
      name: m.name,
      regime: m.summary.regime,
      exits: m.summary.exits,
      shortfalls: m.summary.shortfalls,
      claims: m.summary.claims.map(claimToJson),
      comparisons: m.result.analysis.comparisons.map(claimToJson),
    })),
  });
  files.push(summaryFile, path.join(o.outDir, 'report.json'));
  if (o.reproductionFile && docRoot) {
    writeFileAtomic(
      o.reproductionFile,
      regimesMarkdown({
        command: o.command,
        eecalVersion: o.eecalVersion,
        models: models.map((m) => entry(o.reproductionFile as string, docRoot, '', m)),
        guaranteesLink: guaranteesPage(o.reproductionFile, docRoot),
      }),
    );
    files.push(o.reproductionFile);
  }
  return { models, files };
}
