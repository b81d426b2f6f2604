import type { RegimeSummary } from '../study/regimeSummary';
import type { Claim } from '../study/offloadingClaims';
import { fmtPct as fmtPct2, markdownTable } from './markdownTable';
import { regimeTargetChecks, type RegimeTargetCheck } from '../study/regimeTargets';
import { holdsByConstruction } from './claimText';
import { parseClaimId } from '../study/claimId';

const fmtPct = (v: number | null | undefined) => fmtPct2(v, 1);

/** One model of the regime comparison, with where its full report and figures are (relative links). */
export interface RegimeReportModel {
  summary: RegimeSummary;
  /** Link to the model's full report (relative to the regimes report). */
  reportLink: string;
  /** Link to its calibration-over-training PNG, when the model has the per-epoch CSV and PNGs were rendered. */
  trainingFigure: string | null;
  /** The model's shipped testbed run compared with the latency model (its text and figure links), or null. */
  testbed?: { markdown: string; figures: string[] } | null;
}

/** What the regimes report is made from. */
export interface RegimesReportInput {
  command: string;
  eecalVersion: string;
  models: RegimeReportModel[];
  /** Link to the risk-control evidence page, or null when it was not generated. */
  guaranteesLink?: string | null;
}

const yes = (ok: boolean) => (ok ? 'yes' : '**no**');

function regimeRow(s: RegimeSummary): string[] {
  const r = s.regime;
  const b1 = s.exits[0];
  const fin = s.exits[s.exits.length - 1];
  const epochs =
    r.epochsDone === null
      ? 'n/a'
      : r.epochsDeclared !== null && r.epochsDone < r.epochsDeclared
        ? `${r.epochsDone} of ${r.epochsDeclared} (training continues)`
        : String(r.epochsDone);
  return [
    `\`${s.name}\``,
    r.recipe ?? 'options by hand',
    r.augment === null ? 'n/a' : r.augment ? 'crop + flip' : 'none',
    r.lrSchedule ?? 'n/a',
    epochs,
    r.keep === 'last' ? `last (epoch ${r.weightsEpoch ?? '?'})` : `best val loss (epoch ${r.weightsEpoch ?? '?'})`,
    fmtPct(fin.accuracy),
    `${fmtPct(b1.eceBefore)} → ${fmtPct(b1.eceAfter)}`,
    b1.temperature === null ? 'n/a' : b1.temperature.toFixed(3),
    fmtPct(b1.entropyBelow1e4),
    fmtPct(b1.entropyBelow005),
  ];
}

/** The words of one target check (the rule and the number are the check's: regimeTargetChecks). */
function targetRow(c: RegimeTargetCheck): string[] {
  switch (c.id) {
    case 'final-accuracy':
      return [`final-exit test accuracy ≥ ${fmtPct(c.threshold)}`, fmtPct(c.value), yes(c.met)];
    case 'ece-before':
      return [`${c.exit} 15-bin ECE before TS ≥ ${fmtPct(c.threshold)}`, fmtPct(c.value), yes(c.met)];
    case 'ece-after':
      return [
        `${c.exit} 15-bin ECE after TS per exit (fitted on val) ≤ ${fmtPct(c.threshold)}`,
        fmtPct(c.value),
        yes(c.met),
      ];
    case 'uncalibrated-shortfall': {
      const w = c.worst;
      return [
        `uncalibrated k = 1 on-device accuracy below p_tar beyond its 95 % interval, somewhere on 0.50–0.99 where the device keeps ≥ ${c.threshold}`,
        w
          ? `${c.value} of ${c.examined} points; largest at p_tar ${w.pTar.toFixed(2)}: ${fmtPct(w.accuracy)} [${fmtPct(w.low)}, ${fmtPct(w.high)}] of ${w.kept} kept`
          : `none of ${c.examined} points`,
        yes(c.met),
      ];
    }
  }
}

function targetRows(s: RegimeSummary): string[][] {
  return regimeTargetChecks(s).map(targetRow);
}

/**
 * The targets judge branch 1, the exit whose confidence decides offloading for k = 1; the other exits'
 * ECE after TS per exit is shown beside them (the final exit answers in the cloud, so no offloading
 * decision reads its confidence, but a reader should see it).
 */
function otherExitsLine(s: RegimeSummary): string {
  if (s.exits.length < 2) return '';
  const rest = s.exits
    .slice(1)
    .map((x) => `${x.name} ${fmtPct(x.eceAfter)}`)
    .join(', ');
  return `Not a target: ECE after TS per exit on the other exits: ${rest}. Only device exits' confidences decide offloading; the final exit answers in the cloud.`;
}

function verdictCell(c: Claim | undefined): string {
  if (!c) return 'n/a';
  // Show the point that decided the verdict (a supported claim is supported somewhere, not
  // necessarily at 0.8); for an inconclusive one, p_tar 0.8.
  const judged = c.estimates.filter((e) => e.verdict !== null);
  const main =
    judged.find((e) => e.verdict === c.verdict && c.verdict !== 'inconclusive') ??
    judged.find((e) => e.at !== null && Math.abs(e.at - 0.8) < 1e-9) ??
    judged[0];
  const pp = (v: number | null) => (v === null ? 'n/a' : (100 * v).toFixed(1));
  const delta = main
    ? ` (Δ${main.at === null ? '' : ` at ${main.at.toFixed(2)}`}: ${pp(main.estimate)} pp [${pp(main.low)}, ${pp(main.high)}])`
    : '';
  // The existential claim's verdict rests on one point whatever the others show: list every point's direction.
  const every =
    parseClaimId(c.id)?.topic === 'uncalibrated-below-target' && judged.length > 1
      ? `; every point: ${judged.map((e) => `${e.at === null ? '' : `${e.at.toFixed(2)} `}${e.verdict}`).join(', ')}`
      : '';
  return holdsByConstruction(c)
    ? `holds by construction, not evidence (${c.verdict})`
    : `${c.verdict}${delta.replace(/\)$/, `${every})`)}`;
}

/**
 * REPRODUCTION.md: both training regimes side by side — how each model was trained, what it does
 * to calibration, whether the paper's regime targets hold, every claim's verdict per model, the
 * calibration-over-training figures, and links to each model's full report.
 */
export function regimesMarkdown(r: RegimesReportInput): string {
  const ids = [...new Set(r.models.flatMap((m) => m.summary.claims.map((c) => c.id)))];
  const out: string[] = [
    '# Reproduction: calibration-aided edge inference offloading (Pacheco, Couto, Simeone, ICC 2021)',
    '',
    `Generated by \`${r.command}\` (eecal ${r.eecalVersion}) from the shipped exit records; every number below is computed, never typed in.`,
    '',
    '## Two training regimes',
    '',
    "The paper's B-AlexNet was trained by BranchyNet's reference recipe: raw CIFAR-10 without augmentation, Adam with a constant",
    "learning rate, equal loss weights, the last epoch's weights. eecal ships that regime and a well-regularised one (augmentation,",
    'cosine schedule, the weights of the best validation loss), with the same architecture, seeds and 45k/5k/10k split. Whether',
    "calibration matters for offloading depends on which of the two you train: the table shows how overconfident each one's side",
    'branches are, and the claims below are judged for each.',
    '',
    markdownTable(
      [
        'model',
        'recipe',
        'augmentation',
        'LR schedule',
        'epochs',
        'weights kept',
        'final-exit accuracy',
        'branch-1 ECE before → after TS',
        'branch-1 T',
        'branch-1 entropy < 1e-4',
        'branch-1 entropy < 0.05',
      ],
      r.models.map((m) => regimeRow(m.summary)),
    ),
    '',
    'ECE: 15 equal-width bins on the test split; TS: temperature scaling per exit fitted on the validation split; entropy in nats of',
    "the softmax of the test logits (BranchyNet's exit thresholds are 1e-4 and 0.05).",
    '',
    "## Targets of the paper's regime",
    '',
    'Fixed before training; checked from the raw test logits (Wilson 95 % intervals for the on-device accuracy).',
    '',
  ];
  for (const m of r.models) {
    out.push(
      `**\`${m.summary.name}\`**`,
      '',
      markdownTable(['target', 'measured', 'met'], targetRows(m.summary)),
      '',
      otherExitsLine(m.summary),
      '',
    );
  }
  out.push(
    '## Claims × models',
    '',
    'Each verdict comes from a paired bootstrap of the difference (calibrated − uncalibrated, or k = 2 − k = 1) at the pre-registered',
    "p_tar points 0.7, 0.8, 0.9 with Holm's step-down and a minimum effect of 0.5 pp, each point's verdict read from its interval;",
    'the Δ shown (pp, with that interval) is at the point that decided a supported or contradicted verdict, else at p_tar 0.8. "Uncalibrated below target" is',
    'existential (supported when the device misses p_tar significantly at some point, whatever the others show), so its cells list',
    "every point's verdict. Each model's report explains the rules and gives every point.",
    '',
    markdownTable(
      ['claim', ...r.models.map((m) => `\`${m.summary.name}\``)],
      ids.map((id) => [id, ...r.models.map((m) => verdictCell(m.summary.claims.find((c) => c.id === id)))]),
    ),
    '',
  );
  const withFigure = r.models.filter((m) => m.trainingFigure);
  if (withFigure.length) {
    out.push(
      '## Calibration over training',
      '',
      'Per exit: test ECE before and after TS and the fitted T against epoch, and the on-device shortfall (accuracy − p_tar) at p_tar 0.8 and 0.9, uncalibrated vs TS.',
      '',
    );
    for (const m of withFigure)
      out.push(
        `**\`${m.summary.name}\`**`,
        '',
        `![calibration over training of ${m.summary.name}](${m.trainingFigure})`,
        '',
      );
  }
  const withTestbed = r.models.filter((m) => m.testbed);
  if (withTestbed.length) {
    out.push(
      '## Measured against modelled latency (testbed)',
      '',
      'The deadline results above use a latency model whose parameters are reconstructed. Here the split ran for real: an end node',
      'sent test images to an edge server, which offloaded the split tensor to a cloud server over a link shaped in the kernel',
      '(`scripts/testbed-net.sh`); the same records give the modelled times. See the README, "Run the testbed".',
      '',
    );
    for (const m of withTestbed) {
      const t = m.testbed as { markdown: string; figures: string[] };
      out.push(
        `**\`${m.summary.name}\`**`,
        '',
        t.markdown.trim(),
        '',
        ...t.figures.map((f) => `![${f.replace(/\.png$/, '')}](${f})`),
        '',
      );
    }
  }
  if (r.guaranteesLink) {
    out.push(
      '## Beyond the paper: a guaranteed device accuracy',
      '',
      `Temperature scaling makes the device's accuracy track p_tar on average; risk control (fixed-sequence testing on the validation`,
      `records) chooses a threshold whose kept samples reach the target with probability at least 1 − δ. The evidence — violation`,
      `frequencies over calibration draws, with Monte-Carlo intervals, for both models and k = 1, 2 — is on [its own page](${r.guaranteesLink})`,
      '(`eecal guarantees`; slower than this report, so generated separately).',
      '',
    );
  }
  out.push(
    '## Full reports',
    '',
    ...r.models.map(
      (m) =>
        `- [\`${m.summary.name}\`](${m.reportLink}): model and data, per-exit calibration, every claim with its estimates, figures, settings.`,
    ),
    '',
  );
  return out.join('\n');
}
