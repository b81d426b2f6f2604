import type { GuaranteeStudy, HeldOutRow } from '../study/guaranteeStudy';
import { RULE_LABELS, guaranteeFigureStem } from '../study/guaranteeStudy';
import type { GuaranteeClaim } from '../study/guaranteeClaims';
import { markdownTable } from './markdownTable';

/** Where the figures are, relative to the markdown file, and whether PNGs exist. */
export interface GuaranteeFigureLinks {
  dir: string;
  png: boolean;
}

const pct = (x: number | null, d = 1): string => (x === null ? '—' : `${(100 * x).toFixed(d)} %`);

/** The sentence of one claim (the rule it prints is the rule it applies). */
export function guaranteeClaimSentence(c: GuaranteeClaim): string {
  const who = c.rule === 'risk-control' ? 'Risk control' : `${RULE_LABELS[c.rule]}`;
  const per = c.points
    .map((p) => `${p.target}: ${p.violations}/${p.draws} [${pct(p.interval[0])}, ${pct(p.interval[1])}] ${p.verdict}`)
    .join('; ');
  return (
    `${who} meets the target with probability ≥ ${pct(1 - c.delta, 0)} (violation probability ≤ δ = ${c.delta}) at every target — **${c.verdict}**. ` +
    `Rule: per target, supported when the ${pct(c.intervalLevel)} Clopper–Pearson interval of the violation probability lies at or below δ, contradicted when it lies above, otherwise inconclusive; ` +
    `the claim is supported when every target is, contradicted when any is. Per target: ${per}.`
  );
}

/** "yes" (test accuracy ≥ target), "below, within sampling error" (its 95 % interval reaches the target), "no" (it does not), "—" (no threshold). */
export function heldOutMeets(h: HeldOutRow): string {
  if (h.testAccuracy === null || !h.testInterval) return '—';
  if (h.testAccuracy >= h.target) return 'yes';
  return h.testInterval[1] >= h.target ? 'below, within sampling error' : 'no';
}

/** The markdown page (docs/reproduction/guarantees.md). */
export function guaranteeMarkdown(s: GuaranteeStudy, figures: GuaranteeFigureLinks, command: string): string {
  const o = s.options;
  const lines: string[] = [
    '# A guarantee instead of an average: risk-controlled device thresholds',
    '',
    "Temperature scaling makes the device's accuracy track p_tar on average. A deployment needs a promise: " +
      '"the device\'s accuracy on the samples it keeps is at least the target, with probability at least 1 − δ over the calibration data". ' +
      'Distribution-free risk control (Learn-then-Test with fixed-sequence testing; selective guaranteed risk) gives it from the same validation records: ' +
      '`eecal threshold --records val.csv --edge-exits K --target A --delta D` tests, over a threshold grid, the hypotheses "device accuracy at λ < A" with exact binomial p-values ' +
      'on the kept samples, in a fixed sequence: a seeded quarter of the records picks where the sequence starts (the hypothesis easiest to reject), ' +
      'and the rest is tested from there towards more kept samples, stopping at the first failure. The order never depends on the tested records, so the family-wise error is at most δ.',
    '',
    '## How the promise is checked',
    '',
    `For each model the validation and test records are pooled into a population, where the device accuracy at any threshold is known exactly. ` +
      `${o.draws} calibration sets of the validation split's size are drawn from it with replacement (i.i.d. from the population: exactly the guarantee's setting); ` +
      "each rule chooses its threshold from the draw alone, and a draw counts as a violation when the population's device accuracy at that threshold is below the target. " +
      'No evaluation half is drawn, so the counts carry no evaluation noise. ' +
      "Rules: uncalibrated with p_tar = target (the same threshold in every draw, so it misses in all draws or none), the TS variants refitted on each draw with p_tar = target (the paper's recipe), and risk control (raw softmax confidences). " +
      `Intervals are Clopper–Pearson at ${pct(s.entries[0]?.evidence.intervalLevel ?? 0.95)} each (Bonferroni over the ${o.targets.length} targets, so they hold together with probability ≥ 95 %); δ = ${o.delta}.`,
    '',
    'P_off is the population share the device offloads at the chosen threshold, averaged over draws (1 when a rule certifies no threshold); ' +
      '"oracle" is the smallest P_off on risk control\'s grid whose population accuracy meets the target: what a rule that knew the population would pay, with no guarantee needed.',
    '',
  ];
  for (const e of s.entries) {
    lines.push(`## ${e.model}, k = ${e.k}`, '');
    const rows = e.evidence.rows.map((r) => [
      String(r.target),
      RULE_LABELS[r.rule],
      `${r.violations}/${r.draws}`,
      pct(r.violationRate),
      `[${pct(r.interval[0])}, ${pct(r.interval[1])}]`,
      pct(r.meanOffload),
      pct(r.oracleOffload),
      r.rule === 'risk-control' ? String(r.abstentions) : '—',
    ]);
    lines.push(
      markdownTable(
        ['target', 'rule', 'violations', 'rate', 'interval', 'mean P_off', 'oracle P_off', 'no threshold'],
        rows,
      ),
      '',
    );
    for (const c of e.claims) lines.push(`- ${guaranteeClaimSentence(c)}`);
    lines.push('');
    lines.push(
      'On the shipped splits (threshold certified on the validation split, accuracy measured on the test split; one draw of the future, and a check of the exchangeability the guarantee assumes):',
      '',
    );
    lines.push(
      markdownTable(
        [
          'target',
          'certified threshold',
          'test accuracy at it [95 % CP]',
          'test P_off at it',
          'meets target',
          'test accuracy at p_tar = target (raw)',
          'test P_off at p_tar = target',
        ],
        e.heldOut.map((h) => [
          String(h.target),
          h.threshold === null ? 'none' : String(h.threshold),
          h.testAccuracy === null
            ? '—'
            : `${pct(h.testAccuracy, 2)} [${pct(h.testInterval![0], 1)}, ${pct(h.testInterval![1], 1)}]`,
          pct(h.testOffload),
          heldOutMeets(h),
          pct(h.rawAccuracy, 2),
          pct(h.rawOffload),
        ]),
      ),
      '',
    );
    const v = guaranteeFigureStem(e.model, e.k, 'violations');
    const p = guaranteeFigureStem(e.model, e.k, 'offload');
    if (figures.png)
      lines.push(
        `![Violation frequency vs target](${figures.dir}${v}.png)`,
        '',
        `![P_off vs target](${figures.dir}${p}.png)`,
        '',
      );
    else lines.push(`Figures: [${v}](${figures.dir}${v}.html), [${p}](${figures.dir}${p}.html).`, '');
    lines.push(
      `Measured time of this evidence: ${e.seconds.toFixed(1)} s (population ${e.evidence.populationSize}, draws of ${e.evidence.drawSize}).`,
      '',
    );
  }
  const verdicts = s.entries.flatMap((e) =>
    e.heldOut.map((h) => ({ where: `${e.model} k = ${e.k} at ${h.target}`, meets: heldOutMeets(h) })),
  );
  const within = verdicts.filter((v) => v.meets === 'below, within sampling error').map((v) => v.where);
  const beyond = verdicts.filter((v) => v.meets === 'no').map((v) => v.where);
  lines.push(
    '## What the guarantee assumes',
    '',
    'The promise holds for samples exchangeable with the validation records. The evidence above draws from the pooled records, where that holds by construction; ' +
      "the shipped test split is a separate, single check: the validation split is held out from the dataset's training images (never trained on) and the test split is the dataset's own test set, and a shift between the two is not covered by any calibration-set guarantee. " +
      'The test accuracy is itself measured on a finite split, so it carries its own 95 % interval. ' +
      (within.length === 0 && beyond.length === 0
        ? 'On every row, the test accuracy at the certified threshold meets the target.'
        : (within.length > 0
            ? `Below the target but within the test split's sampling error: ${within.join('; ')}. `
            : '') +
          (beyond.length > 0
            ? `Below the target beyond the test split's sampling error: ${beyond.join('; ')}; a 1 − δ promise allows some draws to miss, but misses that repeat point at a validation–test shift.`
            : "No row misses the target beyond the test split's sampling error.")),
    '',
  );
  lines.push('## Reproduce', '', '```', command, '```', '');
  return lines.join('\n');
}
