import type { VerdictSettings } from '../study/stats/verdictSettings';

/** How the verdicts are decided, for the report (every number from the settings). */
export function verdictMethodText(s: VerdictSettings, batchSize: number): string {
  const pts = s.points.map((x) => x.toFixed(2)).join(', ');
  const m = s.points.length;
  /** The level 1 − α/D in percent, to one decimal where needed. */
  const lvl = (D: number) => String(Math.round(1000 * (1 - s.alpha / D)) / 10);
  return [
    `Each claim is judged on a paired bootstrap of the difference it is about (${s.replicates} replicates, seed ${s.seed}): every replicate resamples the validation rows and refits the calibration on them, resamples the test rows, and scores both sides on the same resample (and the same ${s.shufflesPerReplicate} shuffle${s.shufflesPerReplicate === 1 ? '' : 's'} into batches of ${batchSize}; only full batches count).`,
    `Pre-registered points: p_tar = ${pts} (m = ${m}). Minimum effect δ: ${(100 * s.minEffect).toFixed(1)} pp for probabilities and accuracies.`,
    `Each point's verdict is read from the percentile interval shown with it: **supported** when the interval of Δ lies entirely beyond δ in the claimed direction, **contradicted** when it lies entirely on the other side of 0, **inconclusive** otherwise.`,
    `The interval's level is set by Holm's step-down (family-wise α = ${s.alpha}), run on the intervals themselves and separately for the two kinds of decision: every point starts at ${lvl(m)}% (1 − α/m; at this step the m intervals hold together at ${lvl(1)}%, Bonferroni); after j points are decided one way, the others are read again at 1 − α/(m − j) for that decision (${Array.from({ length: m - 1 }, (_, j) => `${lvl(m - j - 1)}%`).join(', ') || 'none'}), until a step decides nothing.`,
    `A point is shown at the level where it was decided; an undecided one at the widest level either step-down ended on, where it decides neither way. So the interval shown always agrees with its verdict; a decided point's interval may be narrower than at 1 − α/m, as Holm's procedure allows, and each kind of wrong decision has probability ≤ α/2 over all points (α in all), whatever the dependence between them.`,
    `A claim is **supported** when some point is and none is contradicted, **contradicted** in the mirror case, else **inconclusive**. One claim is existential: "without calibration the on-device accuracy falls below p_tar" says the miss happens somewhere, so it is **supported** when the gap is significantly below −δ at some point whatever the other points show (that point supported), and **contradicted** only when every point is contradicted; its finding gives every point's verdict. "Calibration meets p_tar" uses two simultaneous bands over the whole grid, each at ${lvl(2)}% so that the pair holds together at ≥ ${lvl(1)}% (Bonferroni), and is credited only where the uncalibrated curve's band lies below p_tar. Claims that hold by construction are marked and not counted as evidence.`,
  ].join(' ');
}
