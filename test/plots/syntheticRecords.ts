import type { ExitCost, ExitRecords, RecordsSidecar } from '../../src/records/types';
import { createRng } from '../../src/util/rng';

/**
 * Per-exit costs for a sidecar of made-up records, B-AlexNet-like for the first three exits (the
 * last exit sends nothing): shared by every records fixture so their costs agree.
 */
export function syntheticExitCosts(exitNames: string[]): ExitCost[] {
  const E = exitNames.length;
  return exitNames.map((name, e) => ({
    name,
    params: 30_000 * (e + 1),
    macs: [17.3e6, 20.9e6, 28.2e6][e] ?? 28.2e6,
    trunkMacs: [15.56e6, 20.46e6, 28.2e6][e] ?? 28.2e6,
    splitTensorShape: e < E - 1 ? [16, 16, 64] : null,
    splitTensorBytes: e < E - 1 ? ([65_536, 24_576][e] ?? 24_576) : null,
    inferenceMsPerSample: [1.2, 1.6, 2.4][e] ?? 2.4,
  }));
}

/** Options of {@link syntheticRecords}. */
export interface SyntheticOptions {
  numSamples: number;
  seed: number;
  numClasses?: number;
  /** Per exit: probability that the boosted class is the true one (≈ accuracy). Default [0.62, 0.7, 0.78]. */
  accuracy?: number[];
  /** Per exit: logit margin of the boosted class. Default [2.0, 2.4, 2.8]. */
  margins?: number[];
  /** Per exit: factor the logits are multiplied by (> 1 → overconfident). Default [1.8, 1.7, 1.6]. */
  overconfidence?: number[];
}

/**
 * Development/test records: an overconfident early-exit model, 3 exits × 10 classes by default.
 * Sample i's latent quality u_i ~ N(0,1) is shared by all exits (easy samples are easy everywhere,
 * so exits are correlated as in a real network). At exit e one class b is boosted: the true class
 * with probability accuracy[e] + 0.1·u_i (clamped), else a random wrong one; the logits are
 * overconfidence[e] · (margin[e]·(1 + 0.3·u_i)·onehot(b) + N(0, 1) noise). Because the boost does not
 * depend on being right, high confidence is not matched by accuracy: overconfident, as in the paper.
 * The sidecar carries B-AlexNet-like costs (docs/paper-notes.md#b-alexnet) so latency code has inputs.
 */
export function syntheticRecords(o: SyntheticOptions): ExitRecords {
  const C = o.numClasses ?? 10;
  const accuracy = o.accuracy ?? [0.62, 0.7, 0.78];
  const margins = o.margins ?? [2.0, 2.4, 2.8];
  const scale = o.overconfidence ?? [1.8, 1.7, 1.6];
  const E = margins.length;
  const rng = createRng(o.seed);
  const n = o.numSamples;
  const labels = new Int32Array(n);
  const logits = margins.map(() => new Float64Array(n * C));
  for (let i = 0; i < n; i++) {
    const y = rng.int(C);
    labels[i] = y;
    const u = rng.normal();
    for (let e = 0; e < E; e++) {
      const pRight = Math.min(0.99, Math.max(0.01, accuracy[e] + 0.1 * u));
      const boosted = rng.next() < pRight ? y : (y + 1 + rng.int(C - 1)) % C;
      const m = margins[e] * (1 + 0.3 * u);
      for (let k = 0; k < C; k++) logits[e][i * C + k] = scale[e] * ((k === boosted ? m : 0) + rng.normal());
    }
  }
  const exitNames = margins.map((_, e) => (e === E - 1 ? 'final' : `branch${e + 1}`));
  const meta: RecordsSidecar = {
    format: 'eecal-exit-records',
    version: 1,
    model: 'synthetic',
    dataset: 'synthetic',
    split: 'test',
    seed: o.seed,
    numClasses: C,
    exitNames,
    exits: syntheticExitCosts(exitNames),
  };
  return { numSamples: n, numClasses: C, numExits: E, labels, logits, meta };
}
