import type { ExitRecords } from '../../records/types';
import type { Fallback } from '../../cascade/runCascade';
import { scoreRecords } from '../../calibration/index';
import { uncalibratedExitAssignment } from '../../calibration/earlyExit';
import { fitTemperatureTorchLbfgs, torchLbfgsTemperature } from '../../calibration/torchLbfgs';
import { keysFromScores, type CascadeKeys } from '../../cascade/cascadeKeys';
import { shiftedRows, weightedTemperature, type RefitKeys } from './refitKeys';
import { confidencesRead, shiftRows } from './testConfidences';
import { resampledNllInT } from './resampledNll';

/**
 * Fast per-replicate refits of the paper's p_tar-dependent TS variants and of the authors'
 * unconverged fit, so that every TS variant can be judged with B ≥ 1,000 replicates. Each returns
 * the test set's cascade keys under temperatures fitted on a validation resample; TS keeps every
 * argmax, so only the confidences change and correctness is computed once.
 */

/** What the test side needs: shifted logits per exit and the (fixed) correctness. */
function testSide(test: ExitRecords): { shifted: Float64Array[]; base: CascadeKeys } {
  return {
    shifted: test.logits.map((l) => shiftRows(l, test.numSamples, test.numClasses)),
    base: keysFromScores(scoreRecords(test), test.labels),
  };
}

/** Multiplicities of a validation resample (null = every row once). */
function weightsOf(idx: Int32Array | null, n: number): Int32Array | null {
  if (!idx) return null;
  const w = new Int32Array(n);
  for (let i = 0; i < idx.length; i++) w[idx[i]]++;
  return w;
}

/** Where the p_tar-dependent fits take their subsets from (docs/paper-notes.md#temperature-scaling). */
export interface CascadeSubsetOptions {
  /** p_tar of the uncalibrated cascade that picks each validation sample's exit. */
  pTar: number;
  /**
   * Exit of a sample that reaches no threshold: 'final' (the offline metric code) or
   * 'most-confident' (the authors' `forwardEval`, which takes the most confident exit).
   */
  fallback: Fallback;
}

/**
 * Per-branch TS: T_e fitted on the validation samples that leave at exit e under the uncalibrated
 * cascade at p_tar (all side branches on the device). A sample's exit does not depend on the
 * resample, so the subsets are computed once and a resample only changes the weights; an exit that
 * keeps no sample (in the data or in a resample) gets T = 1, as `fitPerBranchTemperatures` does.
 */
export function perBranchTemperatureRefit(val: ExitRecords, test: ExitRecords, o: CascadeSubsetOptions): RefitKeys {
  const C = val.numClasses;
  const E = val.numExits;
  const assigned = uncalibratedExitAssignment(val, { pTar: o.pTar, fallback: o.fallback });
  const vs = val.logits.map((l) => shiftedRows(l, val.labels, C));
  const t = testSide(test);
  // Exit e's subset weights (0 outside); an exit that keeps no sample gets T = 1.
  const tempOn = (e: number, w: Int32Array | null, full: number[] | null) => {
    const we = new Int32Array(val.numSamples);
    let total = 0;
    for (let i = 0; i < val.numSamples; i++) if (assigned[i] === e) total += we[i] = w ? w[i] : 1;
    return total === 0 ? 1 : weightedTemperature(vs[e], we, full ? full[e] : undefined);
  };
  const full = Array.from({ length: E }, (_, e) => tempOn(e, null, null));
  return (idx, read) => {
    const w = idx ? weightsOf(idx, val.numSamples) : null;
    const beta = (e: number) => 1 / (w ? tempOn(e, w, full) : full[e]);
    return { keys: confidencesRead(t.shifted, t.base.keys, read, beta, test.numSamples, C), correct: t.base.correct };
  };
}

/**
 * Global TS: one T fitted on the pooled logits of the exit each validation sample leaves at under
 * the uncalibrated cascade at p_tar, shared by every exit.
 */
export function globalTemperatureRefit(val: ExitRecords, test: ExitRecords, o: CascadeSubsetOptions): RefitKeys {
  const C = val.numClasses;
  const n = val.numSamples;
  const assigned = uncalibratedExitAssignment(val, { pTar: o.pTar, fallback: o.fallback });
  const pooled = new Float64Array(n * C);
  for (let i = 0; i < n; i++) pooled.set(val.logits[assigned[i]].subarray(i * C, (i + 1) * C), i * C);
  const v = shiftedRows(pooled, val.labels, C);
  const t = testSide(test);
  const full = weightedTemperature(v, null);
  return (idx, read) => {
    const beta = 1 / (idx ? weightedTemperature(v, weightsOf(idx, n), full) : full);
    return {
      keys: confidencesRead(t.shifted, t.base.keys, read, () => beta, test.numSamples, C),
      correct: t.base.correct,
    };
  };
}

/**
 * The authors' unconverged per-exit fit (PyTorch L-BFGS, lr 0.01, 50 iterations from T = 1.5): it
 * stops where its fixed budget ends, so it is rerun on each resample's rows (no warm start, which
 * would change the result); only the test confidences are recomputed.
 */
export function torchLbfgsRefit(val: ExitRecords, test: ExitRecords): RefitKeys {
  const C = val.numClasses;
  const t = testSide(test);
  const vs = val.logits.map((l) => shiftedRows(l, val.labels, C));
  return (idx, read) => {
    const beta = (e: number) =>
      1 /
      (idx
        ? torchLbfgsTemperature(resampledNllInT(vs[e], idx))
        : fitTemperatureTorchLbfgs(val.logits[e], val.labels, C)
      ).temperature;
    return { keys: confidencesRead(t.shifted, t.base.keys, read, beta, test.numSamples, C), correct: t.base.correct };
  };
}
