import type { ExitRecords, RecordsSidecar } from '../../src/records/types';
import { createRng } from '../../src/util/rng';
import { syntheticExitCosts } from '../plots/syntheticRecords';

/** Options of {@link plantedRecords}. */
export interface PlantedOptions {
  numSamples: number;
  seed: number;
  numClasses?: number;
  /** Per exit: signal strength μ_e (larger → more accurate). Default [1.9, 2.3, 2.8] (3 exits). */
  signal?: number[];
  /** Correlation of the noise between exits (a shared trunk); default 0.6. */
  noiseCorrelation?: number;
  /** Factor on every logit: 1 = perfectly calibrated, > 1 = overconfident (default 1). */
  sharpen?: number;
  /** Split name written to the sidecar (default 'test'). */
  split?: string;
}

/**
 * Exit records with planted truth: the label y is uniform over C classes and exit e observes
 * x_e = μ_e·onehot(y) + ε_e, ε_e ~ N(0, I) (ε_e = ρ·shared + √(1−ρ²)·own, so exits are correlated
 * but each ε_e is standard normal). Then P(y = k | x_e) = softmax(μ_e·x_e)_k exactly, so the logits
 * μ_e·x_e are *perfectly calibrated* at every exit, for the same labels; multiplying them by
 * `sharpen` > 1 makes every exit overconfident by a known factor (temperature scaling recovers
 * T = sharpen). The sidecar carries B-AlexNet-like costs so the latency code has inputs.
 */
export function plantedRecords(o: PlantedOptions): ExitRecords {
  const C = o.numClasses ?? 10;
  const mu = o.signal ?? [1.9, 2.3, 2.8];
  const rho = o.noiseCorrelation ?? 0.6;
  const sharpen = o.sharpen ?? 1;
  const E = mu.length;
  const rng = createRng(o.seed);
  const n = o.numSamples;
  const labels = new Int32Array(n);
  const logits = mu.map(() => new Float64Array(n * C));
  const shared = new Float64Array(C);
  const own = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < n; i++) {
    const y = rng.int(C);
    labels[i] = y;
    for (let k = 0; k < C; k++) shared[k] = rng.normal();
    for (let e = 0; e < E; e++) {
      for (let k = 0; k < C; k++) {
        const x = (k === y ? mu[e] : 0) + rho * shared[k] + own * rng.normal();
        logits[e][i * C + k] = sharpen * mu[e] * x;
      }
    }
  }
  const exitNames = mu.map((_, e) => (e === E - 1 ? 'final' : `branch${e + 1}`));
  const meta: RecordsSidecar = {
    format: 'eecal-exit-records',
    version: 1,
    model: `planted${sharpen === 1 ? '' : `-sharpened-${sharpen}`}`,
    dataset: 'planted',
    split: o.split ?? 'test',
    seed: o.seed,
    numClasses: C,
    exitNames,
    exits: syntheticExitCosts(exitNames),
  };
  return { numSamples: n, numClasses: C, numExits: E, labels, logits, meta };
}
