import type { Claim } from '../study/offloadingClaims';
import type { DeltaEstimate } from '../study/stats/deltaVerdict';
import { fmtPp } from '../util/tableFormat';
import { comparisonClaimText, comparisonFindingText } from './comparisonText';

/**
 * Every sentence of a claim: the claim in words, what was measured, and why it holds by
 * construction, written from the claim's facts and estimates (study/ computes them, words none).
 * The comparisons with published tables are worded in comparisonText.ts; claims read from a report
 * written before claims carried their data keep the words they were stored with.
 */

/** A level in percent, to one decimal where needed (97.5, 95). */
const pct = (level: number) => String(Math.round(1000 * level) / 10);
const pp = (v: number | null) => (v === null || !Number.isFinite(v) ? 'n/a' : fmtPp(v));

/**
 * "p_tar 0.70: Δ −1.2 pp [−2.0, −0.4] (97.5%), supported" for each estimate; a judged estimate
 * names its interval's level, which the step-down sets per point (descriptive ones share theirs).
 */
export function estimatesText(es: readonly DeltaEstimate[], what = 'p_tar'): string {
  return es
    .map(
      (e) =>
        `${e.at === null ? '' : `${what} ${e.at.toFixed(2)}: `}${pp(e.estimate)} [${pp(e.low)}, ${pp(e.high)}]${e.verdict ? ` (${pct(e.level)}%), ${e.verdict}` : ''}${e.note ? ` (${e.note})` : ''}`,
    )
    .join('; ');
}

const effect = (minEffect: number) => fmtPp(minEffect).replace('−', '');
const list = (v: readonly number[]) => (v.length ? v.map((x) => x.toFixed(2)).join(', ') : 'none');

/** The paper's claim, in words. */
export function claimSentence(c: Claim): string {
  const f = c.facts;
  if (c.comparison) return comparisonClaimText(c.comparison);
  if (!f) return c.claim ?? c.id;
  switch (f.topic) {
    case 'uncalibrated-below-target':
      return `Without calibration, the on-device accuracy falls below the target p_tar (k = ${f.k}).`;
    case 'calibrated-tracks-target':
      return `With ${f.label}, the on-device accuracy meets p_tar where the uncalibrated device misses it (k = ${f.k}).`;
    case 'offloading-probability':
      return `Calibration makes the device offload more (its confidences shrink), the price of meeting p_tar (k = ${f.k}).`;
    case 'outage':
      return `Calibration lowers the inference outage probability P[Acc_device(batch) < p_tar] (k = ${f.k}).`;
    case 'missed-deadline':
      return `Calibration lowers the probability of missing the deadline once the deadline covers the offloading latency (k = ${f.k}).`;
    case 'second-side-branch':
      return 'A second side branch on the device keeps more samples on the device (less offloading) at the same p_tar.';
  }
}

/** What eecal measured: Δ with its interval at each point (Markdown). */
export function findingText(c: Claim): string {
  const f = c.facts;
  if (c.comparison) return comparisonFindingText(c.comparison);
  if (!f) return c.finding ?? '';
  const es = c.estimates;
  switch (f.topic) {
    case 'uncalibrated-below-target':
      return `Uncalibrated on-device accuracy − p_tar: ${estimatesText(es)}.`;
    case 'calibrated-tracks-target': {
      const L = f.label;
      return (
        `Simultaneous ${pct(f.level)}% bands over the ${f.used} grid points where both keep ≥ ${f.minDeviceSamples} test samples on the device, one for each curve, so that both hold together with probability ≥ ${pct(f.jointLevel)}% (Bonferroni). ` +
        `Uncalibrated significantly below p_tar at: ${list(f.fails)}; there ${L} is within ${effect(f.minEffect)} of p_tar or above at: ${list(f.met)}. ` +
        `${L} significantly more than ${effect(f.minEffect)} below p_tar at: ${list(f.missed)}.` +
        (f.fails.length === 0
          ? ' The uncalibrated curve does not significantly miss p_tar anywhere, so calibration gets no credit for meeting it.'
          : '') +
        ` ${L} on-device accuracy − p_tar (simultaneous band): ${estimatesText(es.slice(0, f.bands))}. Δ on-device accuracy (${L} − uncalibrated, not judged): ${estimatesText(es.slice(f.bands))}.`
      );
    }
    case 'offloading-probability':
      return `Δ P_off (${f.label} − uncalibrated): ${estimatesText(es.slice(0, f.judged))}. Δ overall accuracy (not judged): ${estimatesText(es.slice(f.judged))}.`;
    case 'outage': {
      const levels = f.levels.map(
        (l) => `${l.at.toFixed(2)}: ${l.uncalibrated.toFixed(3)} → ${l.calibrated.toFixed(3)}`,
      );
      return (
        `Outage probability over full batches of ${f.batchSize} (uncalibrated → ${f.label}) at p_tar ${levels.join(', ')}. Δ (${f.label} − uncalibrated): ${estimatesText(es)}.` +
        (f.bothZero.length
          ? ` At p_tar ${f.bothZero.map((x) => x.toFixed(2)).join(', ')} both are ≈ 0 (below ${effect(f.minEffect)}): nothing to lower there.`
          : '')
      );
    }
    case 'missed-deadline':
      return `Plateau of the missed-deadline curve at p_tar = ${f.deadlinePTar} (a full batch misses when its overall accuracy is below p_tar): ${f.uncalibrated.toFixed(4)} (uncalibrated) → ${f.calibrated.toFixed(4)} (${f.label}); Δ ${estimatesText(es)}.`;
    case 'second-side-branch': {
      const n = f.judged;
      return `Δ P_off (k = 2 − k = 1), uncalibrated: ${estimatesText(es.slice(0, n))}; ${f.label}: ${estimatesText(es.slice(n, 2 * n))}. Δ overall accuracy, ${f.label} (not judged): ${estimatesText(es.slice(2 * n))}.`;
    }
  }
}

/** Why the claim holds by construction, in words, or null when it does not. */
export function constructionText(c: Claim): string | null {
  const x = c.construction;
  if (!x) return c.byConstruction ?? null;
  switch (x.kind) {
    case 'device-temperatures-above-one':
      return `every fitted temperature of device exits 1…${x.k} is > 1, which lowers every device confidence, so P_off cannot fall at any p_tar`;
    case 'device-confidences-lowered':
      return `in the fit and in every bootstrap refit, the calibration lowers every confidence of device exits 1…${x.k}, so P_off cannot fall at any p_tar`;
    case 'second-side-branch-subset':
      return 'with the same p_tar a second device exit can only answer samples the first one offloaded, so P_off cannot grow';
  }
}

/** Whether a claim holds by construction (stated, never counted as evidence). */
export function holdsByConstruction(c: Claim): boolean {
  return c.construction !== undefined || c.byConstruction !== undefined;
}
