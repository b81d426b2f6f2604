import { createRng, hashSeed } from '../../util/rng';
import { drawIndices, multiplicities, reshuffle } from './resample';

/** What replicate r of a paired bootstrap draws: the validation resample, the test resample and its batch orders. */
export interface ReplicateDraws {
  /** Validation rows the calibration is refitted on (drawn order, repeats allowed). */
  valIdx: Int32Array;
  /** Test rows, in drawn order: the first batch sequence. */
  testIdx: Int32Array;
  /** testIdx, then shufflesPerReplicate − 1 reshuffles of it. */
  seqs: Int32Array[];
  /** Multiplicity of each test row in testIdx. */
  weights: Int32Array;
}

/** Sizes that fix how many random numbers one replicate consumes. */
export interface DrawShape {
  valSamples: number;
  testSamples: number;
  shufflesPerReplicate: number;
}

/** Random numbers one replicate consumes: one per drawn row, n − 1 per Fisher–Yates reshuffle. */
export function drawsPerReplicate(s: DrawShape): number {
  return s.valSamples + s.testSamples + (s.shufflesPerReplicate - 1) * Math.max(0, s.testSamples - 1);
}

/** mulberry32's state advances by this constant per number drawn (see util/rng.ts). */
const MULBERRY_STEP = 0x6d2b79f5;

/**
 * The generator's state at the start of replicate r of the stream `createRng(seed)` from which the
 * replicates draw one after the other. mulberry32's state advances by a constant per number, so
 * the state after m numbers is s₀ + m·step (mod 2³²): any replicate can be drawn on its own, in any
 * order or on any thread, and gets exactly the numbers the sequential loop gave it.
 */
export function replicateState(seed: number, r: number, perReplicate: number): number {
  const m = (r * perReplicate) % 2 ** 32;
  return (hashSeed(seed) + Math.imul(m | 0, MULBERRY_STEP)) >>> 0;
}

/** The draws of replicate r (what the sequential loop of `pairedBootstrap` drew for it). */
export function replicateDraws(seed: number, r: number, s: DrawShape): ReplicateDraws {
  const rng = createRng(0, replicateState(seed, r, drawsPerReplicate(s)));
  const valIdx = drawIndices(s.valSamples, rng);
  const testIdx = drawIndices(s.testSamples, rng);
  const seqs = [testIdx];
  for (let k = 1; k < s.shufflesPerReplicate; k++) seqs.push(reshuffle(testIdx, rng));
  return { valIdx, testIdx, seqs, weights: multiplicities(testIdx, s.testSamples) };
}
