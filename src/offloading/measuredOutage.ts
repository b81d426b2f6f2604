import { RecordFormatError } from '../errors';
import type { MeasuredRow } from '../records/measuredRecords';
import { batchRoundsSettings, meanCi, numBatches, roundPermutations, type BatchRoundsOptions } from './batchRounds';
import type { OutageRow } from './outage';

/**
 * Edge inference outage from a testbed run's answers instead of the simulated cascade: the same
 * protocol (R rounds of shuffled batches; a batch is in outage when it has device answers and their
 * accuracy is < p_tar), where a device answer is one the edge gave itself — an exit reached p_tar,
 * or the cloud failed and the most confident device exit answered (a fallback). With no fallbacks
 * this is the simulated outage of the measured samples.
 */
export function measuredOutage(
  rows: readonly MeasuredRow[],
  method: string,
  pTar: number,
  opts: BatchRoundsOptions,
  file = 'measured records',
): OutageRow & { samples: number; fallbacks: number } {
  const mine = rows
    .filter((r) => r.method === method && Math.abs(r.pTar - pTar) < 1e-9)
    .sort((a, b) => a.sample - b.sample);
  if (mine.length === 0) {
    const have = [...new Set(rows.map((r) => `${r.method}@${r.pTar}`))].join(', ');
    throw new RecordFormatError(`${file}: no rows for method "${method}" at p_tar ${pTar} (it has ${have})`);
  }
  for (let i = 1; i < mine.length; i++) {
    if (mine[i].sample === mine[i - 1].sample)
      throw new RecordFormatError(
        `${file}: sample ${mine[i].sample} measured twice for method "${method}" at p_tar ${pTar}`,
      );
  }
  const { batchSize, rounds, seed } = batchRoundsSettings(opts);
  const n = mine.length;
  const onDevice = mine.map((r) => !r.offloaded || r.fallback);
  const correct = mine.map((r) => r.prediction === r.label);
  const perRound: number[] = [];
  for (const perm of roundPermutations(n, rounds, seed)) {
    let outages = 0;
    for (let start = 0; start < n; start += batchSize) {
      let cnt = 0;
      let ok = 0;
      for (let s = start; s < Math.min(n, start + batchSize); s++) {
        const i = perm[s];
        if (!onDevice[i]) continue;
        cnt++;
        if (correct[i]) ok++;
      }
      if (cnt > 0 && ok / cnt < pTar) outages++;
    }
    perRound.push(outages / numBatches(n, batchSize));
  }
  const { mean, ciLow, ciHigh } = meanCi(perRound);
  return { pTar, outageProbability: mean, ciLow, ciHigh, samples: n, fallbacks: mine.filter((r) => r.fallback).length };
}
