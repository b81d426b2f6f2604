import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../main';
import { countOption, gridOption, numberOption, parseCommandArgs } from '../args';
import { checkResultSize, MAX_PROTOCOL_BATCH_SIZE, MAX_REPLICATES, MAX_ROUNDS } from '../limits';
import { ConfigError, EecalError, OutputError } from '../../errors';
import { repoRoot } from '../../util/repoRoot';
import { parseUplink } from '../../offloading/latencyModel';
import { defaultConfig, type ReproduceConfig } from '../../study/config';
import { reproduceRegimes } from '../../report/reproduceRegimes';
import { holdsByConstruction } from '../../report/claimText';
import { calibrationOps } from '../../study/calibrationOps';
import { CLAIM_METHODS, type ClaimMethod } from '../../study/methodRefits';
import { packageVersion } from '../../version';
import { verdictSettings } from '../../study/stats/verdictSettings';
import { loadMethodModules, METHOD_MODULE_CONTRACT } from '../methodModule';
import { exitOnSignal } from '../../util/signals';
import { inPlace, openStaging, type OutputStaging } from '../../util/stagedOutputs';
import { checkWritable } from '../../util/writeAccess';
import { claimsProgressDisplay } from '../claimsProgress';

/** The shipped CIFAR-10 models, the paper's regime first. */
const DEFAULT_MODELS = ['models/b-alexnet-cifar10-branchynet', 'models/b-alexnet-cifar10'];

const HELP = `usage: eecal reproduce [--model DIR]… [--out DIR] [options]

Regenerates the whole analysis of the paper from model folders' exit records, headless: for each
model, calibration fitted on records/val.csv and everything measured on records/test.csv; every
figure as PNG, SVG, HTML and plotly JSON, CSV tables, REPORT.md and report.json (the paper's
claims with their verdicts) in <out>/<model>/; then the comparison of the models (their training
regimes, the paper's targets, claims × models, calibration over training) in <out>/REPORT.md and
<out>/report.json. The default run (no --model, no --out, every default setting) also rewrites
REPRODUCTION.md and docs/reproduction/ at the repository root; other runs, quick looks with
--claim-methods, --verdict-replicates, --no-images … included, leave them alone unless --reproduction
is given. Outputs are written under a staging folder and each set (<out>/<model>/, the comparison,
docs/reproduction/<model>/, REPRODUCTION.md) replaces the old one only when complete, so a run
stopped at any point leaves every set wholly old or wholly new.

  --model DIR            a model folder with records/{val,test}.csv; repeat for several (default: the
                         shipped CIFAR-10 models, ${DEFAULT_MODELS.join(' and ')})
  --out DIR              output folder (default results/)
  --reproduction FILE    also write the comparison here, with each model's report and PNGs under
                         docs/reproduction/<model>/ beside it (default: <repo>/REPRODUCTION.md for
                         the default run only); --no-reproduction to skip
  --bins N               ECE / reliability bins (default 15)
  --p-tar GRID           p_tar grid of the curves (default 0.5:0.99:0.01)
  --calibration-p-tar X  p_tar of per-branch and global TS (default 0.8)
  --uplink 3g|4g|wifi|MBPS   uplink of the latency model (default 4g = 5.85 Mbit/s)
  --rtt-ms X             round-trip time added to offloaded samples (default 20)
  --cloud-speedup G      cloud is G× faster than the device (default 10)
  --deadline-p-tar X|auto    accuracy target of the missed-deadline curves (default auto)
  --rounds R             outage / deadline rounds (default 100)
  --batch-size B         outage / deadline batch size (default 256)
  --replicates N         bootstrap resamples of the curves' CI bands (default 200)
  --verdict-replicates N paired-bootstrap resamples behind every claim's verdict (default 1000)
  --claim-methods LIST   TS variants whose claims are judged (default temperature,per-branch,global,torch-lbfgs;
                         torch-lbfgs, the authors' unconverged fit, costs the most time)
  --calibration-subset final|most-confident   exit a validation sample that reaches no threshold is
                         fitted at by per-branch/global TS (default final; most-confident = the authors' forwardEval)
  --refit-per-ptar       refit per-branch and global TS at every p_tar (the authors' offline figures)
  --testbed DIR          a testbed run (the --out folder of eecal testbed) of the one --model: its measured
                         latency and missed deadline against the latency model, instead of <model>/testbed/
  --method-module FILE   your calibration method, judged beside the built-in ones (repeatable):
                         ${METHOD_MODULE_CONTRACT.replace(/ returning/, '\n                         returning')};
                         fitted per exit, claims k{K}-{topic}:{id} (such a run never rewrites REPRODUCTION.md)
  --seed N               seed of bootstrap and batch shuffles (default 0)
  --no-images            skip PNG/SVG (no Chromium needed; HTML and JSON are still written)`;

/** Apply command-line overrides to the default configuration. */
function configFrom(
  v: Record<string, string | boolean | string[] | undefined>,
  moduleIds: readonly string[] = [],
): ReproduceConfig {
  const c = defaultConfig();
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  if (str('bins')) c.eceBins = numberOption('bins', str('bins'), 15, { integer: true, min: 1, max: 1000 });
  if (str('p-tar')) c.pTarGrid = gridOption('p-tar', str('p-tar') as string);
  if (c.pTarGrid.some((p) => p < 0 || p > 1)) throw new ConfigError(`--p-tar: every value must be in [0, 1]`);
  c.calibrationPTar = numberOption('calibration-p-tar', str('calibration-p-tar'), c.calibrationPTar, {
    min: 0,
    max: 1,
  });
  if (str('uplink')) c.deadline.uplinkMbps = parseUplink(str('uplink') as string);
  c.deadline.rttMs = numberOption('rtt-ms', str('rtt-ms'), c.deadline.rttMs, { min: 0 });
  c.deadline.cloudSpeedup = numberOption('cloud-speedup', str('cloud-speedup'), c.deadline.cloudSpeedup, { min: 1e-9 });
  const dp = str('deadline-p-tar');
  if (dp !== undefined)
    c.deadline.pTar = dp === 'auto' ? 'auto' : numberOption('deadline-p-tar', dp, 0.8, { min: 0, max: 1 });
  c.batches.rounds = countOption('rounds', str('rounds'), c.batches.rounds, 1, MAX_ROUNDS);
  c.batches.batchSize = countOption('batch-size', str('batch-size'), c.batches.batchSize, 1, MAX_PROTOCOL_BATCH_SIZE);
  c.bootstrap.replicates = countOption('replicates', str('replicates'), c.bootstrap.replicates, 2, MAX_REPLICATES);
  // Bands keep a value per resample and p_tar; outage/deadline curves one per round and grid point.
  checkResultSize([
    ['--replicates', c.bootstrap.replicates],
    ['--p-tar points', c.pTarGrid.length],
  ]);
  checkResultSize([
    ['--rounds', c.batches.rounds],
    ['grid points', Math.max(c.outagePTarGrid.length, c.deadline.points)],
  ]);
  if (str('verdict-replicates'))
    c.verdicts = {
      ...c.verdicts,
      replicates: countOption('verdict-replicates', str('verdict-replicates'), 1000, 2, MAX_REPLICATES),
    };
  try {
    // Checked now and in flags: the analysis checks it too, but only after minutes of work and in its own field names.
    verdictSettings(c.verdicts);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new ConfigError(err.message.replace(/^verdicts\.replicates = (\d+)/, '--verdict-replicates $1'), {
        cause: err,
      });
    throw err;
  }
  const cm = str('claim-methods');
  const judgeable: readonly string[] = [...CLAIM_METHODS, ...moduleIds];
  if (cm !== undefined) {
    const ids = cm.split(',').map((x) => x.trim());
    const bad = ids.find((x) => !judgeable.includes(x));
    if (bad !== undefined || ids.length === 0)
      throw new ConfigError(`--claim-methods "${cm}": expected a comma list of ${judgeable.join(', ')}`);
    c.claimMethods = ids as ClaimMethod[];
  } else if (moduleIds.length > 0) {
    // A method module is there to be judged: beside the default TS variants.
    c.claimMethods = [...CLAIM_METHODS, ...moduleIds];
  }
  const subset = str('calibration-subset');
  if (subset !== undefined) {
    if (subset !== 'final' && subset !== 'most-confident')
      throw new ConfigError(`--calibration-subset "${subset}": expected final or most-confident`);
    c.calibrationSubset = subset;
  }
  if (v['refit-per-ptar']) c.refitPerPTar = true;
  const seed = numberOption('seed', str('seed'), 0, { integer: true });
  c.bootstrap.seed = seed;
  c.batches.seed = seed;
  // The claims read the curves at these p_tar values; keep them on the grid.
  for (const p of [0.6, 0.7, 0.8, 0.9])
    if (!c.pTarGrid.some((x) => Math.abs(x - p) < 1e-9))
      throw new ConfigError(`--p-tar: the grid must contain ${p} (the report reads the curves there)`);
  return c;
}

/**
 * Which REPRODUCTION.md a run rewrites, if any: the one given by --reproduction; else the repo's,
 * for the default run only (shipped models, results/, every default setting, images). A run with
 * quick-look settings (fewer claim methods or resamples, --no-images …) must not replace the
 * committed reproduction with quick-look numbers; `note` tells the user it was left alone.
 */
export function reproductionTarget(o: {
  root: string;
  modelsGiven: boolean;
  out: string | undefined;
  reproduction: string | undefined;
  noReproduction: boolean;
  config: ReproduceConfig;
  images: boolean;
}): { file: string | null; note: string | null } {
  if (o.noReproduction) return { file: null, note: null };
  if (o.reproduction !== undefined) return { file: path.resolve(o.reproduction), note: null };
  if (o.modelsGiven || o.out !== undefined) return { file: null, note: null };
  const quickLook = JSON.stringify(o.config) !== JSON.stringify(defaultConfig()) || !o.images;
  if (!quickLook) return { file: path.join(o.root, 'REPRODUCTION.md'), note: null };
  return {
    file: null,
    note: 'REPRODUCTION.md and docs/reproduction/ left as they are: this run changes default settings (pass --reproduction REPRODUCTION.md to rewrite them)',
  };
}

/** A Chromium that is found but does not start (playwright's "browserType.launch: …") is the environment, not a bug: say what to do. */
function chromiumFailure(err: unknown): unknown {
  if (err instanceof EecalError || !(err instanceof Error) || !err.message.startsWith('browserType.launch')) return err;
  const first = err.message.split('\n')[0].replace(/^browserType\.launch:\s*/, '');
  return new EecalError(
    `Chromium (${process.env.EECAL_CHROMIUM || '/usr/bin/chromium'}) failed to start for PNG/SVG export: ${first}; rerun with --no-images, or set EECAL_CHROMIUM to a working Chromium (nothing was replaced)`,
    { cause: err },
  );
}

export const reproduceCommand: Command = {
  summary: 'regenerate every figure, table and REPRODUCTION.md from shipped records',
  async run(argv) {
    const { values: v } = parseCommandArgs('reproduce', argv, {
      model: { type: 'string', multiple: true },
      out: { type: 'string' },
      reproduction: { type: 'string' },
      'no-reproduction': { type: 'boolean' },
      bins: { type: 'string' },
      'p-tar': { type: 'string' },
      'calibration-p-tar': { type: 'string' },
      uplink: { type: 'string' },
      'rtt-ms': { type: 'string' },
      'cloud-speedup': { type: 'string' },
      'deadline-p-tar': { type: 'string' },
      rounds: { type: 'string' },
      'batch-size': { type: 'string' },
      replicates: { type: 'string' },
      seed: { type: 'string' },
      'no-images': { type: 'boolean' },
      'verdict-replicates': { type: 'string' },
      'claim-methods': { type: 'string' },
      'calibration-subset': { type: 'string' },
      'refit-per-ptar': { type: 'boolean' },
      'method-module': { type: 'string', multiple: true },
      testbed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const root = repoRoot();
    const given = (v.model as string[] | undefined) ?? [];
    const modelDirs = given.length
      ? given.map((d) => path.resolve(d))
      : DEFAULT_MODELS.map((d) => path.join(root, d)).filter((d) => fs.existsSync(path.join(d, 'records', 'test.csv')));
    for (const d of modelDirs) {
      if (!fs.existsSync(d))
        throw new ConfigError(
          `--model ${d}: folder not found (expected a model folder with records/val.csv and records/test.csv)`,
        );
    }
    if (modelDirs.length === 0)
      throw new ConfigError(
        `no shipped model has records (expected ${DEFAULT_MODELS.map((d) => `${d}/records/test.csv`).join(' or ')}); pass --model DIR`,
      );
    // A testbed run measured one model: it is read beside that model only.
    const testbedDir = typeof v.testbed === 'string' ? path.resolve(v.testbed) : undefined;
    if (testbedDir !== undefined && modelDirs.length !== 1)
      throw new ConfigError(
        `--testbed ${v.testbed}: give the one model it measured with --model (this run analyses ${modelDirs.length} models)`,
      );
    if (testbedDir !== undefined && !fs.existsSync(testbedDir))
      throw new ConfigError(`--testbed ${v.testbed}: folder not found (expected the --out folder of eecal testbed)`);
    const outDir = path.resolve(v.out ?? path.join(root, 'results'));
    // REPRODUCTION.md describes the shipped models from the default run; a run into another folder or
    // on other models must not rewrite it (nor put that folder's path into it) unless asked to.
    const methods = await loadMethodModules((v['method-module'] as string[] | undefined) ?? []);
    // A user's method changes the settings, so such a run is a quick look: it never rewrites REPRODUCTION.md unless asked.
    const config = configFrom(
      v,
      methods.map((m) => m.id),
    );
    const target = reproductionTarget({
      root,
      modelsGiven: given.length > 0,
      out: v.out,
      reproduction: v.reproduction,
      noReproduction: Boolean(v['no-reproduction']),
      config,
      images: !v['no-images'],
    });
    const reproductionFile = target.file;
    if (target.note) console.error(target.note);
    const started = Date.now();
    const rel = (p: string) => path.relative(process.cwd(), p) || '.';
    // Everything is written under a staging folder, then each output set (results/<model>/, the
    // comparison, docs/reproduction/<model>/, REPRODUCTION.md) is swapped in whole: a run stopped
    // at any point leaves each set wholly old or wholly new.
    const names = modelDirs.map((d) => path.basename(d));
    for (const [i, n] of names.entries()) {
      // The swap replaces <out>/<model>/ whole: it must not be (or hold) a model folder being read.
      const set = path.join(outDir, n);
      const inside = modelDirs.find((d) => d === set || !path.relative(set, d).startsWith('..'));
      if (inside)
        throw new ConfigError(
          `--out ${rel(outDir)}: the results of model ${i + 1} go to ${rel(set)}, which holds the model folder ${rel(inside)}; choose another --out`,
        );
    }
    const docRoot = reproductionFile ? path.join(path.dirname(reproductionFile), 'docs', 'reproduction') : null;
    const targets = [
      ...names.map((n) => path.join(outDir, n)),
      path.join(outDir, 'REPORT.md'),
      path.join(outDir, 'report.json'),
      ...(reproductionFile && docRoot ? [...names.map((n) => path.join(docRoot, n)), reproductionFile] : []),
    ];
    // A read-only or unwritable target is refused now, not after minutes of analysis (nor written in place).
    for (const t of targets) checkWritable(t);
    let staging: OutputStaging;
    try {
      staging = openStaging(targets);
    } catch (err) {
      if (!(err instanceof OutputError)) throw err;
      console.error(
        `note: ${err.message}; writing in place instead (each file is complete, but a stopped run may leave a mix of old and new files)`,
      );
      staging = inPlace();
    }
    const stopOnSignal = exitOnSignal(
      'reproduce',
      "no output was replaced (this run's staged files were removed)",
      () => staging.discard(),
    );
    // The bootstrap's progress: a bar with the time left on a terminal, a line per stage otherwise.
    const display = claimsProgressDisplay(process.stderr);
    let result: Awaited<ReturnType<typeof reproduceRegimes>>;
    try {
      result = await reproduceRegimes({
        modelDirs,
        outDir: staging.staged(outDir),
        reproductionFile: reproductionFile && staging.staged(reproductionFile),
        config,
        ops: calibrationOps,
        images: !v['no-images'],
        methods,
        guaranteesPage: docRoot !== null && fs.existsSync(path.join(docRoot, 'guarantees.md')),
        ...(testbedDir !== undefined ? { testbedDir } : {}),
        command: ['eecal reproduce', ...argv].join(' '),
        eecalVersion: packageVersion(),
        log: display.log,
        progress: display.progress,
      });
      staging.commit();
    } catch (err) {
      staging.discard();
      throw chromiumFailure(err);
    } finally {
      display.end();
      stopOnSignal();
    }
    const skipped = result.models.find((m) => m.result.imagesSkipped)?.result.imagesSkipped;
    if (skipped) console.error(`PNG/SVG not written: ${skipped}`);
    console.log(
      `wrote ${result.files.length} files to ${rel(outDir)}${reproductionFile ? ` and ${rel(reproductionFile)}` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const m of result.models) {
      const supported = m.result.analysis.claims.filter(
        (c) => c.verdict === 'supported' && !holdsByConstruction(c),
      ).length;
      console.log(
        `${m.name}: claims supported: ${supported}/${m.result.analysis.claims.length}; report: ${rel(path.join(outDir, m.name, 'REPORT.md'))}`,
      );
    }
    console.log(`comparison of the models: ${rel(path.join(outDir, 'REPORT.md'))}`);
    return 0;
  },
};
