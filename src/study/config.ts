import type { Fallback } from '../cascade/runCascade';
import { verdictSettings, type VerdictSettings } from './stats/verdictSettings';
import { CLAIM_METHODS, type ClaimMethod } from './methodRefits';

/**
 * Settings of the reproduction (`eecal reproduce`, notebooks 04–07). Every default is stated here
 * and printed in the report, so the numbers can be regenerated exactly.
 */
export interface ReproduceConfig {
  /** p_tar grid of the curves and the slider (default 0.50, 0.51, …, 0.99). */
  pTarGrid: number[];
  /** Coarser p_tar grid of the outage figure (default 0.50, 0.55, …, 0.95; docs/paper-notes.md#figures). */
  outagePTarGrid: number[];
  /** Equal-width bins of ECE and of the reliability diagrams (default 15, Guo et al.; docs/paper-notes.md#ece). */
  eceBins: number;
  /** p_tar at which the p_tar-dependent calibrations (per-branch, global TS) are fitted (default 0.8, the JNCA testbed's). */
  calibrationPTar: number;
  /** How offloaded samples are answered (default 'final', the offline metric code). */
  fallback: Fallback;
  /**
   * Calibration subset rule of per-branch and global TS: the exit a validation sample that reaches
   * no threshold is fitted at. 'final' (default): the final exit, as the offline metric code
   * answers it; 'most-confident': its most confident exit, as the authors' `forwardEval` does.
   */
  calibrationSubset?: Fallback;
  /**
   * Refit per-branch and global TS at every p_tar of the sweep curves (the authors' offline
   * figures) instead of once at `calibrationPTar` (default false). The claims' verdicts then use
   * the fit at each pre-registered p_tar.
   */
  refitPerPTar?: boolean;
  /**
   * TS variants whose claims are judged (default all four: 'temperature', 'per-branch', 'global',
   * 'torch-lbfgs'). torch-lbfgs reruns the authors' 50-iteration L-BFGS on every replicate and costs
   * the most; leaving it out makes the verdicts several times faster.
   */
  claimMethods?: ClaimMethod[];
  /** Seeded percentile bootstrap of the sweep curves (default 200 resamples, seed 0). */
  bootstrap: { replicates: number; seed: number };
  /** Outage and missed-deadline protocol (default batches of 256, 100 rounds, seed 0; docs/paper-notes.md#batch-protocol). */
  batches: { batchSize: number; rounds: number; seed: number };
  /** Missed-deadline study: accuracy target, network and deadline grid. */
  deadline: {
    /**
     * p_tar of the missed-deadline curves, or 'auto' (default): the largest multiple of 0.05 at
     * least 3 pp below the final exit's test accuracy. A batch misses when its overall accuracy is
     * below p_tar, so with p_tar above the model's accuracy every batch misses whatever the deadline
     * (JNCA's 0.8 suited models with ≈ 0.82 accuracy).
     */
    pTar: number | 'auto';
    /** Uplink in Mbit/s (default 5.85, the 4G preset of the ICC-era code). */
    uplinkMbps: number;
    /** Round-trip time added to offloaded samples, ms (default 20). */
    rttMs: number;
    /** Cloud speed-up γ over the device for the rest of the trunk (default 10, smallest POPEX value). */
    cloudSpeedup: number;
    /** Device speed for the MACs model when the sidecar has no measured times, GMAC/s (default 1). */
    deviceGmacPerSecond: number;
    /** Number of points of the deadline grid, from 0 to 1.25 × the slowest outcome (default 61). */
    points: number;
  };
  /** Statistical verdicts of the claims (defaults: `defaultVerdictSettings`, B = 1000, points 0.7/0.8/0.9, δ = 0.5 pp). */
  verdicts?: Partial<VerdictSettings>;
}

/** Evenly spaced grid a, a+step, …, ≤ b, rounded to 12 significant digits. */
export function grid(a: number, b: number, step: number): number[] {
  const n = Math.floor((b - a) / step + 1e-9) + 1;
  return Array.from({ length: n }, (_, i) => Number((a + i * step).toPrecision(12)));
}

/** The defaults documented on {@link ReproduceConfig}. */
export function defaultConfig(): ReproduceConfig {
  return {
    pTarGrid: grid(0.5, 0.99, 0.01),
    outagePTarGrid: grid(0.5, 0.95, 0.05),
    eceBins: 15,
    calibrationPTar: 0.8,
    fallback: 'final',
    calibrationSubset: 'final',
    refitPerPTar: false,
    bootstrap: { replicates: 200, seed: 0 },
    batches: { batchSize: 256, rounds: 100, seed: 0 },
    deadline: { pTar: 'auto', uplinkMbps: 5.85, rttMs: 20, cloudSpeedup: 10, deviceGmacPerSecond: 1, points: 61 },
  };
}

/** A configuration with every default filled in: what the studies read (never `??` a default again). */
export interface ResolvedConfig extends ReproduceConfig {
  calibrationSubset: Fallback;
  refitPerPTar: boolean;
  claimMethods: ClaimMethod[];
  verdicts: VerdictSettings;
}

/**
 * Every default of {@link ReproduceConfig} filled once, nested groups field by field (a partial
 * `deadline` keeps the other deadline defaults), and the verdict settings checked. Idempotent:
 * resolving a resolved configuration returns an equal one.
 */
export function resolveConfig(partial: Partial<ReproduceConfig> = {}): ResolvedConfig {
  const d = defaultConfig();
  return {
    ...d,
    ...partial,
    bootstrap: { ...d.bootstrap, ...partial.bootstrap },
    batches: { ...d.batches, ...partial.batches },
    deadline: { ...d.deadline, ...partial.deadline },
    calibrationSubset: partial.calibrationSubset ?? 'final',
    refitPerPTar: partial.refitPerPTar ?? false,
    claimMethods: [...(partial.claimMethods ?? CLAIM_METHODS)],
    verdicts: verdictSettings(partial.verdicts),
  };
}
