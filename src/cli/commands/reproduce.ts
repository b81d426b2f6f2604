import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from '../main';
import { countOption, gridOption, numberOption, parseCommandArgs } from '../args';
import { checkResultSize, MAX_PROTOCOL_BATCH_SIZE, MAX_REPLICATES, MAX_ROUNDS } from '../limits';
import { ConfigError } from '../../errors';
import { repoRoot } from '../../util/repoRoot';
import { parseUplink } from '../../offloading/latencyModel';
import { defaultConfig, type ReproduceConfig } from '../../study/config';
import { reproduce } from '../../report/reproduce';
import { calibrationOps } from '../../study/calibrationOps';
import { packageVersion } from '../../version';
import { exitOnSignal } from '../../util/signals';

const HELP = `usage: eecal reproduce [--model DIR] [--out DIR] [options]

Regenerates the whole analysis of the paper from a model folder's exit records, headless:
calibration fitted on records/val.csv, everything measured on records/test.csv; every figure as
PNG, SVG, standalone HTML and plotly JSON, CSV tables, REPORT.md and report.json (the paper's
claims checked with numbers). Run on the shipped model it also rewrites REPRODUCTION.md at the
repository root.

  --model DIR            model folder with records/{val,test}.csv (default models/b-alexnet-cifar10)
  --out DIR              output folder (default results/)
  --reproduction FILE    also write the report here (default: <repo>/REPRODUCTION.md for the
                         shipped model, none otherwise); --no-reproduction to skip
  --bins N               ECE / reliability bins (default 15)
  --p-tar GRID           p_tar grid of the curves (default 0.5:0.99:0.01)
  --calibration-p-tar X  p_tar of per-branch and global TS (default 0.8)
  --uplink 3g|4g|wifi|MBPS   uplink of the latency model (default 4g = 5.85 Mbit/s)
  --rtt-ms X             round-trip time added to offloaded samples (default 20)
  --cloud-speedup G      cloud is G× faster than the device (default 10)
  --deadline-p-tar X|auto    accuracy target of the missed-deadline curves (default auto)
  --rounds R             outage / deadline rounds (default 100)
  --batch-size B         outage / deadline batch size (default 256)
  --replicates N         bootstrap resamples of the CI bands (default 200)
  --seed N               seed of bootstrap and batch shuffles (default 0)
  --no-images            skip PNG/SVG (no Chromium needed; HTML and JSON are still written)`;

/** Apply command-line overrides to the default configuration. */
function configFrom(v: Record<string, string | boolean | undefined>): ReproduceConfig {
  const c = defaultConfig();
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  if (str('bins')) c.eceBins = numberOption('bins', str('bins'), 15, { integer: true, min: 1, max: 1000 });
  if (str('p-tar')) c.pTarGrid = gridOption('p-tar', str('p-tar') as string);
  if (c.pTarGrid.some((p) => p < 0 || p > 1)) throw new ConfigError(`--p-tar: every value must be in [0, 1]`);
  c.calibrationPTar = numberOption('calibration-p-tar', str('calibration-p-tar'), c.calibrationPTar, { min: 0, max: 1 });
  if (str('uplink')) c.deadline.uplinkMbps = parseUplink(str('uplink') as string);
  c.deadline.rttMs = numberOption('rtt-ms', str('rtt-ms'), c.deadline.rttMs, { min: 0 });
  c.deadline.cloudSpeedup = numberOption('cloud-speedup', str('cloud-speedup'), c.deadline.cloudSpeedup, { min: 1e-9 });
  const dp = str('deadline-p-tar');
  if (dp !== undefined) c.deadline.pTar = dp === 'auto' ? 'auto' : numberOption('deadline-p-tar', dp, 0.8, { min: 0, max: 1 });
  c.batches.rounds = countOption('rounds', str('rounds'), c.batches.rounds, 1, MAX_ROUNDS);
  c.batches.batchSize = countOption('batch-size', str('batch-size'), c.batches.batchSize, 1, MAX_PROTOCOL_BATCH_SIZE);
  c.bootstrap.replicates = countOption('replicates', str('replicates'), c.bootstrap.replicates, 2, MAX_REPLICATES);
  // Bands keep a value per resample and p_tar; outage/deadline curves one per round and grid point.
  checkResultSize([['--replicates', c.bootstrap.replicates], ['--p-tar points', c.pTarGrid.length]]);
  checkResultSize([['--rounds', c.batches.rounds], ['grid points', Math.max(c.outagePTarGrid.length, c.deadline.points)]]);
  const seed = numberOption('seed', str('seed'), 0, { integer: true });
  c.bootstrap.seed = seed;
  c.batches.seed = seed;
  // The claims read the curves at these p_tar values; keep them on the grid.
  for (const p of [0.6, 0.7, 0.8, 0.9]) if (!c.pTarGrid.some((x) => Math.abs(x - p) < 1e-9)) throw new ConfigError(`--p-tar: the grid must contain ${p} (the report reads the curves there)`);
  return c;
}

export const reproduceCommand: Command = {
  summary: 'regenerate every figure, table and REPRODUCTION.md from shipped records',
  async run(argv) {
    const { values: v } = parseCommandArgs('reproduce', argv, {
      model: { type: 'string' }, out: { type: 'string' }, reproduction: { type: 'string' }, 'no-reproduction': { type: 'boolean' },
      bins: { type: 'string' }, 'p-tar': { type: 'string' }, 'calibration-p-tar': { type: 'string' }, uplink: { type: 'string' },
      'rtt-ms': { type: 'string' }, 'cloud-speedup': { type: 'string' }, 'deadline-p-tar': { type: 'string' }, rounds: { type: 'string' },
      'batch-size': { type: 'string' }, replicates: { type: 'string' }, seed: { type: 'string' }, 'no-images': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const root = repoRoot();
    const shipped = path.join(root, 'models', 'b-alexnet-cifar10');
    const modelDir = path.resolve(v.model ?? shipped);
    if (!fs.existsSync(modelDir)) throw new ConfigError(`--model ${modelDir}: folder not found (expected a model folder with records/val.csv and records/test.csv)`);
    const outDir = path.resolve(v.out ?? path.join(root, 'results'));
    const reproductionFile = v['no-reproduction'] ? null : v.reproduction ? path.resolve(v.reproduction) : modelDir === shipped ? path.join(root, 'REPRODUCTION.md') : null;
    const config = configFrom(v);
    const started = Date.now();
    const rel = (p: string) => path.relative(process.cwd(), p) || '.';
    // Every file is written atomically, so stopping between two writes leaves each complete.
    const stopOnSignal = exitOnSignal('reproduce', 'files written so far are complete; the rest were not written');
    const result = await reproduce({
      modelDir, outDir, reproductionFile, config, ops: calibrationOps, images: !v['no-images'],
      command: ['eecal reproduce', ...argv].join(' '),
      eecalVersion: packageVersion(),
      log: (m) => console.error(m),
    });
    stopOnSignal();
    if (result.imagesSkipped) console.error(`PNG/SVG not written: ${result.imagesSkipped}`);
    const supported = result.analysis.claims.filter((c) => c.verdict === 'supported' && !c.byConstruction).length;
    console.log(`wrote ${result.files.length} files to ${rel(outDir)}${reproductionFile ? ` and ${rel(reproductionFile)}` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`claims supported: ${supported}/${result.analysis.claims.length}; report: ${rel(path.join(outDir, 'REPORT.md'))}`);
    return 0;
  },
};
