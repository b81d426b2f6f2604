import type { ExitScores } from '../src/records/scores';
import { runCascade } from '../src/cascade/runCascade';
import type { SweepOptions, SweepRow } from '../src/offloading/thresholdSweep';

/**
 * Reference implementation of `sweepThresholds`: one full `runCascade` pass per p_tar, metrics
 * counted straight from the per-sample outcomes. O(N·k·G). Kept for the tests (equality with the
 * fast sweep) and as the baseline of `npm run bench:sweep`; use `sweepThresholds` otherwise.
 */
export function naiveSweep(
  scores: readonly ExitScores[],
  labels: Int32Array,
  pTars: readonly number[],
  opts: SweepOptions,
): SweepRow[] {
  const k = opts.edgeExits;
  const n = labels.length;
  const macs = opts.deviceMacs ?? null;
  return pTars.map((pTar) => {
    const res = runCascade(scores, { edgeExits: k, pTar, fallback: opts.fallback, disabled: opts.disabled });
    const perExit = new Array<number>(k + 1).fill(0);
    let dev = 0;
    let devOk = 0;
    let ok = 0;
    let macSum = 0;
    for (let i = 0; i < n; i++) {
      const right = res.prediction[i] === labels[i] ? 1 : 0;
      ok += right;
      if (res.onDevice[i]) {
        const e = res.answeringExit[i];
        perExit[e]++;
        dev++;
        devOk += right;
        if (macs) macSum += macs.exit[e];
      } else {
        perExit[k]++;
        if (macs) macSum += macs.offload;
      }
    }
    return {
      pTar,
      offloadProbability: perExit[k] / n,
      onDeviceAccuracy: dev > 0 ? devOk / dev : null,
      overallAccuracy: ok / n,
      exitFractions: perExit.map((c) => c / n),
      expectedDeviceMacs: macs ? macSum / n : null,
    };
  });
}
