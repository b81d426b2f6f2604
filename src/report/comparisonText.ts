import type { ComparisonFacts } from '../study/comparisons';
import { BRANCHYNET_TOLERANCE } from '../study/comparisons';
import { BRANCHYNET_TABLE1, GUO_TABLE1_CIFAR10 } from '../study/references';
import { fmtPct } from '../util/tableFormat';

/** The published claim a comparison checks, in words. */
export function comparisonClaimText(c: ComparisonFacts): string {
  if (c.topic === 'branchynet-table-1') {
    const refs = [BRANCHYNET_TABLE1.bAlexnetAccuracy, ...BRANCHYNET_TABLE1.bAlexnetExitFractions];
    return `${BRANCHYNET_TABLE1.source}: B-AlexNet (CIFAR-10) reaches ${fmtPct(refs[0])} and answers ${BRANCHYNET_TABLE1.bAlexnetExitFractions.map((f) => fmtPct(f, 1)).join(' / ')} of the test samples at branch 1 / branch 2 / final (entropy thresholds ${c.entropyThresholds.join(', ')}). Tolerances fixed in advance: accuracy ±${100 * BRANCHYNET_TOLERANCE.accuracy} pp, each exit share ±${100 * BRANCHYNET_TOLERANCE.exitShare} pp; a quantity agrees when its 95% interval lies inside the tolerance.`;
  }
  const [lo, hi] = GUO_TABLE1_CIFAR10.uncalibratedRange;
  return `${GUO_TABLE1_CIFAR10.source}: CIFAR-10 networks have ${fmtPct(lo, 0)}–${fmtPct(hi, 0)} ECE before and under ${fmtPct(GUO_TABLE1_CIFAR10.temperatureBelow, 0)} after temperature scaling.`;
}

/** What eecal measured for a comparison, in words (Markdown). */
export function comparisonFindingText(c: ComparisonFacts): string {
  if (c.topic === 'branchynet-table-1') {
    const txt = c.quantities.map(
      (q) =>
        `${q.name} ${fmtPct(q.value, 1)} [${fmtPct(q.low, 1)}, ${fmtPct(q.high, 1)}]${c.comparable && q.reference !== null ? ` vs ${fmtPct(q.reference, 1)} (${q.verdict})` : ''}`,
    );
    return (
      `eecal's ${c.architecture} under BranchyNet's rule (entropy < τ at branch e): ${txt.join('; ')}.` +
      (c.comparable ? '' : ` (${c.exits} exits: not comparable with the 3-exit B-AlexNet.)`)
    );
  }
  const [lo, hi] = GUO_TABLE1_CIFAR10.uncalibratedRange;
  return (
    `Final exit, ${c.bins} bins, test split (${c.samples} samples): ECE before TS ${fmtPct(c.eceBefore)} [${fmtPct(c.eceBeforeLow)}, ${fmtPct(c.eceBeforeHigh)}] (95% interval: ECE ∓ the bootstrap 95th percentile of the plug-in's error bound) vs ${fmtPct(lo, 0)}–${fmtPct(hi, 0)} (± ${(100 * c.minEffect).toFixed(1)} pp): ${c.verdictBefore}. ` +
    `After TS ${fmtPct(c.eceAfter)}; a perfectly calibrated model with these confidences would show ${fmtPct(c.floorMean)} on average (95th percentile ${fmtPct(c.floorQ95)}, ${c.floorSimulations} simulations), so the bar is max(1%, that) = ${fmtPct(c.bar)}: ${c.verdictAfter}.` +
    (c.cifar ? '' : ` (This model is on ${c.dataset}, not CIFAR-10: indicative only.)`)
  );
}
