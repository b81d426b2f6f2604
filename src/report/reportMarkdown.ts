import type { ExitCost } from '../records/types';
import type { CalibrationStudy } from '../study/calibrationStudy';
import type { OffloadingStudy, SkippedPart } from '../study/offloadingStudy';
import type { Claim } from '../study/offloadingClaims';
import { resolveConfig, type ReproduceConfig } from '../study/config';
import { fmtNum, fmtPct, markdownTable } from './markdownTable';
import { verdictMethodText } from './verdictMethodText';
import { parseClaimId } from '../study/claimId';
import { claimSentence, constructionText, findingText, holdsByConstruction } from './claimText';
import { isCalibrationMethod, methodLabel } from '../calibration/methods';

/** Everything the report text is made from; every number in it comes from these fields. */
export interface ReportInput {
  /** The command that regenerates the report. */
  command: string;
  eecalVersion: string;
  model: {
    dir: string;
    architecture: string;
    dataset: string;
    backend: string | null;
    training: Record<string, unknown> | null;
  };
  splits: { val: { file: string; samples: number }; test: { file: string; samples: number } };
  exitNames: string[];
  exitCosts: ExitCost[] | null;
  calibration: CalibrationStudy;
  offloading: OffloadingStudy;
  claims: Claim[];
  comparisons: Claim[];
  config: ReproduceConfig;
  /** Figure stems written, the folder (relative to the report) they are in, and whether PNGs exist. */
  /** `fullDir`: where the .svg/.html/.json versions are when `dir` holds only PNG copies. */
  figures: { dir: string; stems: string[]; png: boolean; fullDir?: string };
  tables: { dir: string; files: string[] };
}

/** Which TS variants are judged, how their ids read, and the calibration options they depend on. */
export function judgedMethodsText(c: ReproduceConfig): string {
  const ms = resolveConfig(c).claimMethods;
  const names = ms
    .map((m) => `${methodLabel(m)} (${m === 'temperature' ? 'ids without a suffix' : `\`:${m}\``})`)
    .join(', ');
  const yours = ms.filter((m) => !isCalibrationMethod(m));
  const own = yours.length
    ? ` Your methods (${yours.map((m) => `\`${m}\``).join(', ')}) are refitted the same way, by their own fit on each resample.`
    : '';
  return `Judged for: ${names}. Every variant is refitted on each validation resample (per-branch and global on the samples each exit keeps under the uncalibrated cascade at p_tar = ${c.calibrationPTar}${c.refitPerPTar ? ', refitted at each judged p_tar' : ''}; torch-lbfgs reruns the authors' 50-iteration L-BFGS from T = 1.5).${own} Calibration subset rule: ${resolveConfig(c).calibrationSubset === 'final' ? 'a sample that reaches no threshold counts for the final exit' : "a sample that reaches no threshold counts for its most confident exit (the authors' forwardEval)"}.`;
}

/** One claim as Markdown: the claim as a heading, the measured finding, the verdict. */
export function claimBlock(c: Claim): string {
  const why = constructionText(c);
  const v =
    why !== null
      ? `**${c.verdict}**, but this holds by construction (${why}): not counted as evidence`
      : `**${c.verdict}**`;
  return [`### ${claimSentence(c)}`, '', findingText(c), '', `Verdict: ${v}.`, ''].join('\n');
}

/**
 * The claims of the other TS variants (ids with a `:method` suffix), one table: the same claims,
 * judged the same way, with each method refitted in every bootstrap replicate.
 */
export function variantClaims(claims: readonly Claim[]): string[] {
  const others = claims.filter((c) => c.id.includes(':'));
  if (others.length === 0) return [];
  // A user's method (an id that is not built in) is named as such; a report of built-ins reads as it always has.
  const yours = [
    ...new Set(others.map((c) => parseClaimId(c.id)?.method ?? '').filter((m) => m !== '' && !isCalibrationMethod(m))),
  ];
  return [
    yours.length
      ? '### The same claims for the other TS variants and your methods'
      : '### The same claims for the other TS variants',
    '',
    "Per-branch and global TS (fitted on the samples each exit keeps under the uncalibrated cascade) and the authors' unconverged L-BFGS fit (`torch-lbfgs`)" +
      (yours.length ? `, and your methods (${yours.map((m) => `\`${m}\``).join(', ')}, each by its own fit)` : '') +
      ', each refitted on every validation resample:',
    '',
    markdownTable(
      ['claim id', 'verdict', 'finding'],
      others.map((c) => [
        `\`${c.id}\``,
        holdsByConstruction(c) ? `${c.verdict} (by construction, not evidence)` : c.verdict,
        findingText(c),
      ]),
      ['l', 'l', 'l'],
    ),
    '',
  ];
}

function costTable(r: ReportInput): string {
  if (!r.exitCosts) return '_The records have no sidecar with per-exit costs._';
  return markdownTable(
    ['exit', 'parameters', 'MACs (M)', 'split tensor', 'measured ms/sample'],
    r.exitCosts.map((c) => [
      c.name,
      c.params.toLocaleString('en-US'),
      (c.macs / 1e6).toFixed(2),
      c.splitTensorShape
        ? `${c.splitTensorShape.join('×')} (${((c.splitTensorBytes ?? 0) / 1024).toFixed(1)} kB)`
        : '–',
      typeof c.inferenceMsPerSample === 'number' ? c.inferenceMsPerSample.toFixed(3) : 'n/a',
    ]),
  );
}

function calibrationTable(s: CalibrationStudy): string {
  const header = [
    'exit',
    'accuracy',
    `ECE before`,
    ...s.methods.slice(1).map((m) => `ECE ${m.label}`),
    'NLL before',
    ...s.methods.slice(1).map((m) => `NLL ${m.label}`),
  ];
  const before = s.reliability[0].exits;
  const rows = before.map((x, e) => [
    x.name,
    fmtPct(x.metrics.accuracy),
    fmtPct(x.metrics.ece),
    ...s.reliability.slice(1).map((m) => fmtPct(m.exits[e].metrics.ece)),
    fmtNum(x.metrics.nll, 4),
    ...s.reliability.slice(1).map((m) => fmtNum(m.exits[e].metrics.nll, 4)),
  ]);
  return markdownTable(header, rows);
}

function temperatureTable(s: CalibrationStudy, names: readonly string[]): string {
  const methods = s.methods.slice(1);
  return markdownTable(
    ['exit', ...methods.map((m) => m.label)],
    names.map((n, e) => [
      n,
      ...methods.map((m) =>
        fmtNum(s.rows.find((r) => r.methodId === m.id && r.exit === e + 1)?.temperature ?? null, 4),
      ),
    ]),
  );
}

function settings(r: ReportInput): string {
  const c = r.config;
  const g = (v: number[]) => `${v[0]} … ${v[v.length - 1]} (${v.length} points)`;
  return [
    `- p_tar grid ${g(c.pTarGrid)}; outage grid ${g(c.outagePTarGrid)}; confidence rule \`c ≥ p_tar\`; offloaded samples answered by the ${c.fallback === 'final' ? 'final exit' : 'most confident exit'}.`,
    `- ECE and reliability diagrams: ${c.eceBins} equal-width bins, membership lo < c ≤ hi.`,
    `- Calibration fitted on the validation split (${r.splits.val.samples} samples); per-branch and global TS at p_tar = ${c.calibrationPTar}${c.refitPerPTar ? ' for the claims, and refitted at every p_tar of the sweep curves (refitPerPTar)' : ''}, on the samples each exit keeps under the uncalibrated cascade; a sample that reaches no threshold is fitted at ${resolveConfig(c).calibrationSubset === 'final' ? "the final exit (calibrationSubset: final, the default; 'most-confident' is the authors' forwardEval rule)" : "its most confident exit (calibrationSubset: most-confident, the authors' forwardEval rule)"}.`,
    `- CI bands: percentile bootstrap, ${c.bootstrap.replicates} resamples, seed ${c.bootstrap.seed}. Outage: mean over ${c.batches.rounds} shuffles (seed ${c.batches.seed}) of the test set into full batches of ${c.batches.batchSize} (a trailing partial batch is dropped), 95% percentile intervals from a test-set bootstrap (${c.bootstrap.replicates} resamples, seed ${c.bootstrap.seed}, each cut into batches). Missed-deadline curves: ${c.batches.rounds} rounds of shuffled batches (last partial batch kept), 95% normal CI over rounds.`,
    r.offloading.timing === 'none'
      ? `- Latency: not modelled (the records have no per-exit costs); missed-deadline p_tar ${r.offloading.deadlinePTar} for the plateau claim (accuracy misses only).`
      : `- Latency: device times ${r.offloading.timing === 'measured' ? `measured per exit (sidecar, backend ${r.model.backend ?? 'unknown'})` : `MACs ÷ ${c.deadline.deviceGmacPerSecond} GMAC/s`}; uplink ${c.deadline.uplinkMbps} Mbit/s; RTT ${c.deadline.rttMs} ms; cloud γ = ${c.deadline.cloudSpeedup}× faster than the device; missed-deadline p_tar ${r.offloading.deadlinePTar}${c.deadline.pTar === 'auto' ? " (auto: largest multiple of 0.05 at least 3 pp below the final exit's test accuracy)" : ''}; deadlines 0 … ${r.offloading.deadlinesMs[r.offloading.deadlinesMs.length - 1]} ms.`,
  ].join('\n');
}

/**
 * Overall accuracy at the pre-registered p_tar points with offloaded samples answered by the final
 * exit and by the most confident exit (the authors' `forwardEval`), per method and k.
 */
export function fallbackTable(o: OffloadingStudy, grid: readonly number[], points: readonly number[]): string {
  const at = points.map((x) => grid.findIndex((g) => Math.abs(g - x) < 1e-9)).filter((g) => g >= 0);
  const rows = o.partitions.flatMap((p) =>
    p.methods.map((m) => [
      String(p.edgeExits),
      m.label,
      ...at.flatMap((g) => [fmtPct(m.overallByFallback.final[g]), fmtPct(m.overallByFallback['most-confident'][g])]),
    ]),
  );
  return markdownTable(
    ['k', 'method', ...at.flatMap((g) => [`p_tar ${grid[g].toFixed(2)}: final exit`, `most confident`])],
    rows,
  );
}

/** Where and why this reproduction differs from the papers (facts from the inputs, reasons stated). */
function differences(r: ReportInput): string {
  const t = r.model.training;
  const lines = [
    `- **Training.** ${t ? `eecal trained ${r.model.architecture} for ${String(t.epochs ?? '?')} epochs (batch ${String(t.batchSize ?? '?')}, Adam lr ${String(t.learningRate ?? '?')}, augmentation ${String(t.augment ?? '?')}, ${String(t.trainSamples ?? '?')} training images)` : 'Training settings unknown (no eecal-model.json)'}; BranchyNet trained the trunk 50 epochs and then jointly 100 epochs (batch 512) on ZCA-whitened data. The ICC paper's own recipe and per-exit accuracies are not published (docs/paper-notes.md#unknowns).`,
    '- **Calibration.** Temperatures are fitted exactly (converged NLL minimum); the authors\' PyTorch L-BFGS fit (lr 0.01, 50 iterations from T = 1.5) moves only about a third of the way to the optimum (docs/paper-notes.md#torch-lbfgs), so their "calibrated" curves lie between our uncalibrated and calibrated ones.',
    r.offloading.timing === 'none'
      ? '- **Latency.** Not modelled: the records have no per-exit costs (see "Skipped").'
      : `- **Latency.** The ICC latency model is not published; this uses the reconstruction in docs/paper-notes.md#latency-model (device time up to the branch, upload of the split tensor at ${r.config.deadline.uplinkMbps} Mbit/s, RTT ${r.config.deadline.rttMs} ms, cloud ${r.config.deadline.cloudSpeedup}× faster), with device times ${r.offloading.timing === 'measured' ? "measured on this machine's tfjs backend" : 'from MACs'}. Missed-deadline numbers depend on these choices; their shape (a drop, then a plateau set by accuracy misses) does not.`,
    "- **Protocol.** Batch size, rounds and p_tar grids follow the authors' later code (DR_EENN, JNCA), because the ICC values are not known.",
  ];
  return lines.join('\n');
}

/** The report (REPORT.md / REPRODUCTION.md) as Markdown. */
export function reportMarkdown(r: ReportInput): string {
  const fig = (stem: string) => `${r.figures.dir}${stem}.png`;
  const has = (stem: string) => r.figures.png && r.figures.stems.includes(stem);
  const sections = [
    `# Reproduction: calibration-aided edge inference offloading (Pacheco, Couto, Simeone, ICC 2021)`,
    '',
    `Generated by \`${r.command}\` (eecal ${r.eecalVersion}). Every number below is computed from the exit records; rerun the command to regenerate this file, the figures and the tables.`,
    '',
    '## Model and data',
    '',
    `${r.model.architecture} on ${r.model.dataset} (\`${r.model.dir}\`): ${r.exitNames.length} exits (${r.exitNames.join(', ')}). Calibration is fitted on \`${r.splits.val.file}\` (${r.splits.val.samples} samples) and everything is measured on \`${r.splits.test.file}\` (${r.splits.test.samples} samples).`,
    '',
    costTable(r),
    '',
    '## Per-exit accuracy and calibration (test split)',
    '',
    calibrationTable(r.calibration),
    '',
    'Fitted temperatures (T > 1: the exit was overconfident):',
    '',
    temperatureTable(r.calibration, r.exitNames),
    '',
    ...(has('reliability-before-after-ts')
      ? [`![Reliability before and after TS](${fig('reliability-before-after-ts')})`, '']
      : []),
    "## The paper's claims, checked",
    '',
    verdictMethodText(resolveConfig(r.config).verdicts, r.config.batches.batchSize),
    '',
    judgedMethodsText(r.config),
    '',
    ...r.claims.filter((c) => !c.id.includes(':')).map(claimBlock),
    ...variantClaims(r.claims),
    ...(has('on-device-accuracy-k1') ? [`![On-device accuracy vs p_tar](${fig('on-device-accuracy-k1')})`, ''] : []),
    ...(has('offloading-probability-k1')
      ? [`![Offloading probability vs p_tar](${fig('offloading-probability-k1')})`, '']
      : []),
    ...(has('delta-on-device-accuracy-k1')
      ? [`![Δ on-device accuracy vs uncalibrated](${fig('delta-on-device-accuracy-k1')})`, '']
      : []),
    ...(has('delta-offloading-probability-k1')
      ? [`![Δ offloading probability vs uncalibrated](${fig('delta-offloading-probability-k1')})`, '']
      : []),
    '### ECE of the samples the device keeps',
    '',
    `The calibration the device's decisions rely on: ${r.config.eceBins}-bin ECE of the test samples answered on the device, against p_tar, per method, with 95% bootstrap bands (figures \`ece-vs-ptar-k*\`).`,
    '',
    ...(has('ece-vs-ptar-k1') ? [`![ECE of the device-kept samples vs p_tar](${fig('ece-vs-ptar-k1')})`, ''] : []),
    '### Overall accuracy: final-exit vs most-confident fallback',
    '',
    "Offloaded samples are answered by the final exit in the offline metric code, by the most confident exit in the authors' `forwardEval`; overall accuracy with each:",
    '',
    fallbackTable(r.offloading, r.config.pTarGrid, resolveConfig(r.config).verdicts.points),
    '',
    '## Comparison with published numbers',
    '',
    ...r.comparisons.map(claimBlock),
    ...(r.offloading.skipped.length
      ? ['## Skipped', '', ...r.offloading.skipped.map((x) => `- ${skippedText(x)}`), '']
      : []),
    '## Where this reproduction differs, and why',
    '',
    differences(r),
    '',
    '## Settings',
    '',
    settings(r),
    '',
    '## Files',
    '',
    r.figures.fullDir !== undefined
      ? `Figures as .png in \`${r.figures.dir || './'}\` (and as .svg, standalone .html with plotly inlined, and plotly .json in \`${r.figures.fullDir}\` after running the command): ${r.figures.stems.map((s) => `\`${s}\``).join(', ')}.`
      : `Figures (each as ${r.figures.png ? '.png, .svg, ' : ''}standalone .html with plotly inlined, and plotly .json) in \`${r.figures.dir || './'}\`: ${r.figures.stems.map((s) => `\`${s}\``).join(', ')}.`,
    '',
    `Tables (CSV) in \`${r.tables.dir || './'}\`: ${r.tables.files.map((s) => `\`${s}\``).join(', ')}.`,
    '',
  ];
  return sections.join('\n');
}

/** The sentence for a part of the offloading study that was not computed. */
function skippedText(x: SkippedPart): string {
  return (
    'The records have no per-exit costs (no sidecar `records/test.json` with `exits`), so the latency model, the missed-deadline curves against the deadline and the per-exit cost figure were skipped. ' +
    `A sidecar with ${x.neededFields} enables them (see the README's records format). Everything else (calibration, sweeps, outage, the claims and the comparisons) needs no costs and was computed.`
  );
}
