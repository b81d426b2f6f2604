import * as path from 'node:path';
import type { Command } from '../main';
import { countOption, gridOption, intListOption, numberOption, parseCommandArgs } from '../args';
import { ConfigError } from '../../errors';
import { readModelFolder } from '../../records/modelFolder';
import { GUARANTEE_RULES, type GuaranteeRule } from '../../study/guaranteeEvidence';
import { runGuaranteeStudy } from '../../study/guaranteeStudy';
import { guaranteeMarkdown } from '../../report/guaranteeMarkdown';
import { FigureRenderer, findChromium } from '../../plots/export/chromium';
import { readPlotlyJs } from '../../plots/export/plotlyBundle';
import { saveFigure } from '../../plots/export/saveFigure';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomicWrite';

const HELP = `usage: eecal guarantees [--models DIR,DIR] [--out docs/reproduction/guarantees.md] [--draws 1000]
                        [--targets 0.8,0.85,0.9,0.95] [--delta 0.05] [--edge-exits 1,2] [--seed 0]
                        [--rules uncalibrated,temperature,per-branch,global,risk-control] [--no-images]

Does each decision rule keep "device accuracy on kept samples ≥ target with probability ≥ 1 − δ"?
Per model (its records/val.csv and test.csv pooled as the population) and k, draws calibration sets
of the validation size with replacement, lets every rule choose its threshold on the draw, and counts
the draws where the population's device accuracy there misses the target, with Clopper–Pearson
intervals and verdicts. Writes the markdown page, its figures (FIGDIR = the page's folder /
guarantees/: PNG with Chromium, else HTML; plotly JSON always) and the results as JSON beside them.

  --models DIRS             model folders (default models/b-alexnet-cifar10,models/b-alexnet-cifar10-branchynet)
  --out FILE.md             the page (default docs/reproduction/guarantees.md)
  --draws R                 calibration draws (default 1000)
  --targets LIST            target accuracies (default 0.8,0.85,0.9,0.95)
  --delta D                 δ of risk control and of the claims (default 0.05)
  --edge-exits LIST         device branch counts k (default 1,2)
  --seed S                  seed of the draws (default 0)
  --rules LIST              rules to check (default all)
  --no-images               skip PNG rendering (HTML figures instead)`;

export const guaranteesCommand: Command = {
  summary: 'check the accuracy guarantee of risk control vs TS by calibration draws; writes guarantees.md',
  async run(argv) {
    const { values: v } = parseCommandArgs('guarantees', argv, {
      models: { type: 'string' },
      out: { type: 'string' },
      draws: { type: 'string' },
      targets: { type: 'string' },
      delta: { type: 'string' },
      'edge-exits': { type: 'string' },
      seed: { type: 'string' },
      rules: { type: 'string' },
      'no-images': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const dirs = (v.models ?? 'models/b-alexnet-cifar10,models/b-alexnet-cifar10-branchynet')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const out = v.out ?? 'docs/reproduction/guarantees.md';
    if (!out.endsWith('.md')) throw new ConfigError(`--out ${out}: expected a .md file`);
    const draws = countOption('draws', v.draws, 1000, 1, 1_000_000);
    const targets = gridOption('targets', v.targets ?? '0.8,0.85,0.9,0.95');
    if (targets.some((t) => !(t > 0 && t < 1)))
      throw new ConfigError(`--targets "${v.targets}": expected values in (0, 1)`);
    const delta = numberOption('delta', v.delta, 0.05);
    if (!(delta > 0 && delta < 1)) throw new ConfigError(`--delta ${v.delta}: expected a number in (0, 1)`);
    const ks = intListOption('edge-exits', v['edge-exits'] ?? '1,2', 1, 64);
    const seed = numberOption('seed', v.seed, 0, { integer: true });
    const rules = (v.rules ?? GUARANTEE_RULES.join(',')).split(',').map((s) => s.trim()) as GuaranteeRule[];
    for (const r of rules)
      if (!GUARANTEE_RULES.includes(r))
        throw new ConfigError(`--rules: "${r}" is not one of ${GUARANTEE_RULES.join(', ')}`);
    const models = dirs.map((d) => {
      const f = readModelFolder(d);
      for (const k of ks)
        if (k > f.val.numExits - 1)
          throw new ConfigError(
            `--edge-exits ${k}: ${d} has ${f.val.numExits} exits, so at most ${f.val.numExits - 1} device branches`,
          );
      return { name: path.basename(path.resolve(d)), val: f.val, test: f.test };
    });
    const t0 = Date.now();
    const study = runGuaranteeStudy(models, {
      ks,
      targets,
      delta,
      draws,
      seed,
      rules,
      onEntry: (m, k, i, total) => {
        const el = (Date.now() - t0) / 1000;
        const eta = i > 0 ? ` (ETA ${Math.round((el / i) * (total - i))} s)` : '';
        console.error(`guarantees: ${m}, k = ${k} [${i + 1}/${total}], ${el.toFixed(0)} s elapsed${eta}`);
      },
    });
    const figDir = path.join(path.dirname(out), 'guarantees');
    let renderer: FigureRenderer | null = null;
    try {
      if (!v['no-images'] && findChromium()) renderer = await FigureRenderer.launch();
      const plotlyJs = readPlotlyJs();
      for (const [stem, fig] of Object.entries(study.figures)) {
        await saveFigure(fig, figDir, stem, renderer, {
          plotlyJs,
          scale: 2,
          formats: renderer ? ['json', 'png'] : ['json', 'html'],
        });
      }
    } finally {
      if (renderer) await renderer.close();
    }
    const { figures: _f, ...data } = study;
    writeJsonAtomic(path.join(figDir, 'guarantees.json'), data);
    const command = [
      'eecal guarantees',
      `--models ${dirs.join(',')}`,
      `--out ${out}`,
      `--draws ${draws}`,
      `--targets ${targets.join(',')}`,
      `--delta ${delta}`,
      `--edge-exits ${ks.join(',')}`,
      `--seed ${seed}`,
      ...(v.rules ? [`--rules ${rules.join(',')}`] : []),
    ].join(' ');
    writeFileAtomic(out, guaranteeMarkdown(study, { dir: 'guarantees/', png: renderer !== null }, command));
    console.error(`guarantees: wrote ${out} and ${figDir}/ in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return 0;
  },
};
