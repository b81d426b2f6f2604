import type { TestbedDeadlineClaim } from '../study/testbedDeadlineClaim';
import { fmtPp } from '../util/tableFormat';
import { markdownTable } from './markdownTable';

/**
 * The words of the missed-deadline claim judged on a testbed's measured times beside the latency
 * model's times (study/testbedDeadlineClaim computes it): the claim, the rule that decides it,
 * and one row per run, p_tar and kind of times. Empty when there is no claim (no calibration).
 */
const pp = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : fmtPp(v));

export function testbedDeadlineClaimMarkdown(claims: readonly TestbedDeadlineClaim[], edgeExits: number): string {
  if (claims.length === 0) return '';
  const s = claims[0].settings;
  const method = claims[0].method;
  const level = Math.round(100 * (1 - s.alpha));
  const deadline =
    s.deadlineMs === null
      ? "the latency model's offloading latency of each run: the smallest deadline at which the model's times cover offloading, so the modelled P[missed deadline] there is the curve's plateau (the modelled claim's quantity), and the measured one says whether real times agree that this deadline suffices"
      : `${s.deadlineMs} ms (set)`;
  const rows = claims.flatMap((c) =>
    (['measured', 'modelled'] as const).map((times) => {
      const j = c[times];
      const d = j.delta;
      return [
        c.uplink,
        c.pTar.toFixed(2),
        c.deadlineMs.toFixed(1),
        String(c.pairs),
        times,
        Number.isFinite(j.uncalibrated) ? `${j.uncalibrated.toFixed(3)} → ${j.calibrated.toFixed(3)}` : '—',
        `${pp(d.estimate)} [${pp(d.low)}, ${pp(d.high)}]`,
        `**${j.verdict}**${d.note ? ` (not judged: ${d.note})` : ''}`,
      ];
    }),
  );
  const agree = claims.filter((c) => c.measured.verdict === c.modelled.verdict).length;
  const unpaired = claims.reduce((a, c) => a + c.unpaired, 0);
  return [
    `## Calibration lowers P[missed deadline]: judged on measured and on modelled times`,
    '',
    `Claim: calibration lowers the probability of missing the deadline once the deadline covers the offloading latency (k = ${edgeExits}); here ${method} against none, for each uplink rate and p_tar of the runs. ` +
      `The two methods were measured as separate requests of the same images, so the claim is judged on those pairs: a paired bootstrap over images (${s.replicates} replicates, seed ${s.seed}) resamples image indices with replacement and scores both methods on the same resample and the same ${s.shufflesPerReplicate} shuffle${s.shufflesPerReplicate === 1 ? '' : 's'} into batches of ${s.batchSize} (only full batches count; point estimates: mean over ${s.pointRounds} shuffles of the images). ` +
      'A batch misses when its accuracy is below p_tar or its mean time exceeds the deadline. ' +
      "Measured: each image's end-to-end time (total_ms); modelled: the latency model's time of the outcome that image had in the run. Both use the run's own answers, so the two verdicts differ only by the times. " +
      `Deadline: ${deadline}.` +
      (unpaired > 0 ? ` ${unpaired} answers measured under one method only are left out.` : ''),
    '',
    `Rule: Δ = P_miss(${method}) − P_miss(none) with its ${level} % percentile interval; **supported** when the whole interval lies below −${(100 * s.minEffect).toFixed(1)} pp (the minimum effect), ` +
      '**contradicted** when it lies above 0, **inconclusive** otherwise. The verdict is read from the interval shown. Each uplink rate and p_tar is its own claim (no correction across them).',
    '',
    markdownTable(
      ['uplink', 'p_tar', 'deadline ms', 'pairs', 'times', 'P_miss none → ' + method, `Δ [${level} % CI]`, 'verdict'],
      rows,
      ['l', 'r', 'r', 'r', 'l', 'r', 'r', 'l'],
    ),
    '',
    `Measured and modelled verdicts agree in ${agree} of ${claims.length} cases.`,
    '',
  ].join('\n');
}
