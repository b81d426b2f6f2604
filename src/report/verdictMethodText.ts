import type { VerdictSettings } from '../study/stats/verdictSettings';

/** How the verdicts are decided, for the report (every number from the settings). */
export function verdictMethodText(s: VerdictSettings, batchSize: number): string {
  const pts = s.points.map((x) => x.toFixed(2)).join(', ');
  return [
    `Each claim is judged on a paired bootstrap of the difference it is about (${s.replicates} replicates, seed ${s.seed}): every replicate resamples the validation rows and refits the calibration on them, resamples the test rows, and scores both sides on the same resample (and the same ${s.shufflesPerReplicate} shuffle${s.shufflesPerReplicate === 1 ? '' : 's'} into batches of ${batchSize}; only full batches count).`,
    `Pre-registered points: p_tar = ${pts}, with Holm's correction across them (family-wise α = ${s.alpha}); intervals are simultaneous ${Math.round(100 * (1 - s.alpha))}% percentile intervals (each at ${(100 * (1 - s.alpha / s.points.length)).toFixed(1)}%). Minimum effect: ${(100 * s.minEffect).toFixed(1)} pp for probabilities and accuracies.`,
    `**supported**: the interval of Δ lies beyond the minimum effect in the claimed direction at some point, and is on the other side of 0 nowhere; **contradicted**: it excludes 0 the other way; **inconclusive**: otherwise. One claim is existential: "without calibration the on-device accuracy falls below p_tar" says the miss happens somewhere, so it is **supported** when the gap is significantly below −δ at some point whatever the other points show, and **contradicted** only when every point significantly exceeds p_tar; its finding gives every point's direction. "Calibration meets p_tar" uses simultaneous bands over the whole grid and is credited only where the uncalibrated curve significantly misses p_tar. Claims that hold by construction are marked and not counted as evidence.`,
  ].join(' ');
}
