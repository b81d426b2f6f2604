import { ConfigError } from '../../errors';

/**
 * Settings of the statistical verdicts, fixed before looking at any result (pre-registration):
 * where claims are judged, how large an effect must be to count, the error rate, and the bootstrap.
 */
export interface VerdictSettings {
  /** Pre-registered p_tar points at which paired claims are judged (Holm-corrected across them). */
  points: number[];
  /** Minimum effect for probabilities and accuracies (0.005 = 0.5 pp). */
  minEffect: number;
  /** Family-wise error rate of each claim (two-sided; 0.05). */
  alpha: number;
  /** Paired bootstrap replicates B (≥ 1,000 for the shipped report). */
  replicates: number;
  /** Seed of every resample and shuffle of the verdicts. */
  seed: number;
  /** Shuffles of each bootstrap resample into batches (outage, missed deadline). */
  shufflesPerReplicate: number;
  /** Grid points enter the simultaneous band only where the device keeps at least this many test samples. */
  minDeviceSamples: number;
  /** Replicates of the finite-sample ECE floor simulation. */
  floorSimulations: number;
}

/** The defaults written in every report. */
export function defaultVerdictSettings(): VerdictSettings {
  return {
    points: [0.7, 0.8, 0.9],
    minEffect: 0.005,
    alpha: 0.05,
    replicates: 1000,
    seed: 0,
    shufflesPerReplicate: 4,
    minDeviceSamples: 100,
    floorSimulations: 1000,
  };
}

/** Defaults overridden by `partial`, checked (a ConfigError names the bad field). */
export function verdictSettings(partial: Partial<VerdictSettings> = {}): VerdictSettings {
  const s = { ...defaultVerdictSettings(), ...partial };
  const int = (name: keyof VerdictSettings, min: number) => {
    const v = s[name] as number;
    if (!Number.isInteger(v) || v < min) throw new ConfigError(`verdicts.${name} = ${v}: expected an integer ≥ ${min}`);
  };
  int('replicates', 20);
  int('shufflesPerReplicate', 1);
  int('minDeviceSamples', 1);
  int('floorSimulations', 10);
  if (!Number.isInteger(s.seed)) throw new ConfigError(`verdicts.seed = ${s.seed}: expected an integer`);
  if (s.points.length === 0 || s.points.some((p) => !(p > 0 && p < 1)))
    throw new ConfigError(`verdicts.points = ${s.points.join(', ')}: expected values in (0, 1)`);
  if (!(s.minEffect >= 0 && s.minEffect < 1))
    throw new ConfigError(`verdicts.minEffect = ${s.minEffect}: expected a number in [0, 1)`);
  if (!(s.alpha > 0 && s.alpha < 1)) throw new ConfigError(`verdicts.alpha = ${s.alpha}: expected a number in (0, 1)`);
  // The first step reads each point's interval at 1 − α/m: each tail α/(2m) must hold a replicate
  // beyond the interval, else its end is just the most extreme replicate.
  const need = Math.ceil((2 * s.points.length) / s.alpha);
  if (s.replicates + 1 < need)
    throw new ConfigError(
      `verdicts.replicates = ${s.replicates}: expected ≥ ${need - 1} for ${s.points.length} points at α = ${s.alpha} (else no verdict can be reached)`,
    );
  return s;
}
