import type { PlotlyFigure } from '../plots/figure';
import { deltaFigure, type DeltaSeries } from '../plots/deltaFigure';
import type { Claim } from './offloadingClaims';
import { CLAIM_METHODS, claimSuffix, type ClaimMethod } from './methodRefits';
import { methodLabel } from '../calibration/methods';

/** The Δ quantities drawn, each from one claim topic's estimates (paired bootstrap intervals). */
const DELTAS = [
  {
    stem: 'delta-offloading-probability',
    topic: 'offloading-probability',
    quantity: 'Δ P_off (',
    name: 'offloading probability',
  },
  {
    stem: 'delta-on-device-accuracy',
    topic: 'calibrated-tracks-target',
    quantity: 'Δ on-device accuracy (',
    name: 'on-device accuracy',
  },
] as const;

/** The Δ series of one method from its claim's estimates (null when the claim is absent). */
function seriesOf(
  claims: readonly Claim[],
  { id: method, label }: { id: ClaimMethod; label: string },
  k: number,
  topic: string,
  quantity: string,
): DeltaSeries | null {
  const claim = claims.find((c) => c.id === `k${k}-${topic}${claimSuffix(method)}`);
  const es =
    claim?.estimates.filter(
      (e) => e.quantity.startsWith(quantity) && e.quantity.endsWith('− uncalibrated)') && e.at !== null,
    ) ?? [];
  if (es.length === 0) return null;
  return {
    method,
    label,
    k,
    pTar: es.map((e) => e.at as number),
    delta: es.map((e) => e.estimate),
    lo: es.map((e) => e.low),
    hi: es.map((e) => e.high),
  };
}

/**
 * Δ vs uncalibrated of every judged method at the pre-registered p_tar points, with the paired
 * intervals the verdicts use (k device branches): Δ offloading probability and Δ on-device accuracy.
 * `methods`: the judged methods to draw, in order (default the four TS variants); a method
 * without claims is skipped.
 */
export function deltaFigures(
  claims: readonly Claim[],
  k = 1,
  methods: ReadonlyArray<{ id: ClaimMethod; label: string }> = CLAIM_METHODS.map((id) => ({
    id,
    label: methodLabel(id),
  })),
): Record<string, PlotlyFigure> {
  const out: Record<string, PlotlyFigure> = {};
  for (const d of DELTAS) {
    const series = methods
      .map((m) => seriesOf(claims, m, k, d.topic, d.quantity))
      .filter((x): x is DeltaSeries => x !== null);
    if (series.length === 0) continue;
    // Judged Δ (P_off) carry Holm step-down levels, 1 − α/D per point; descriptive Δ all 1 − α/m.
    const levels = claims
      .filter((c) => c.id.startsWith(`k${k}-${d.topic}`))
      .flatMap((c) => c.estimates.filter((e) => e.quantity.startsWith(d.quantity)).map((e) => e.level));
    const level = levels.length ? Math.max(...levels) : 0.95;
    const family = Math.round(100 * (1 - (1 - level) * series[0].pTar.length));
    const stepDown = levels.some((l) => Math.abs(l - level) > 1e-12);
    out[`${d.stem}-k${k}`] = deltaFigure(series, {
      quantity: d.name,
      level,
      title: stepDown
        ? `Δ ${d.name} vs uncalibrated (k = ${k}), paired bootstrap, the verdicts' Holm step-down intervals (family-wise ${family}%)`
        : `Δ ${d.name} vs uncalibrated (k = ${k}), paired bootstrap, simultaneous ${family}% over the p_tar points`,
    });
  }
  return out;
}
