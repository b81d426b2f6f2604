import type { BinnedCascade } from '../../offloading/thresholdBins';
import { ConfigError } from '../../errors';
import { accumulateBatch } from '../../offloading/batchCounts';

/** Per sorted threshold: fraction of full batches in outage, and fraction whose overall accuracy misses p_tar. */
export interface BatchMisses {
  /** Device outage: the batch has device answers and their accuracy is < p_tar (docs/paper-notes.md#outage). */
  outage: Float64Array;
  /** Accuracy miss: the batch's overall accuracy (device + offloaded answers) is < p_tar. */
  accuracyMiss: Float64Array;
  /** Full batches scored. */
  batches: number;
}

/**
 * Cut a sequence of sample indices (a shuffle, or a bootstrap resample in drawn order, repeats
 * allowed) into consecutive batches of `batchSize` and score every full batch at every threshold at
 * once (difference arrays over the binned cascade). A trailing partial batch is dropped: it is
 * smaller, so its accuracy is noisier and it would weigh like a full batch.
 * The accuracy miss at p_tar equals the missed-deadline probability once the deadline covers the
 * slowest outcome (its plateau).
 */
export function batchMisses(b: BinnedCascade, sorted: Float64Array, seq: Int32Array, batchSize: number): BatchMisses {
  const G = sorted.length;
  const nb = fullBatches(seq.length, batchSize);
  const devCount = new Float64Array(G + 1);
  const devOk = new Float64Array(G + 1);
  const allOk = new Float64Array(G + 1);
  const outage = new Float64Array(G);
  const accuracyMiss = new Float64Array(G);
  for (let bi = 0; bi < nb; bi++) {
    accumulateBatch(b, seq, bi * batchSize, (bi + 1) * batchSize, devCount, devOk, allOk);
    let cnt = 0;
    let ok = 0;
    let off = 0;
    for (let g = 0; g < G; g++) {
      cnt += devCount[g];
      ok += devOk[g];
      off += allOk[g];
      tallyBatch(outage, accuracyMiss, g, cnt, ok, off, sorted[g], batchSize);
    }
  }
  return perBatch(outage, accuracyMiss, nb);
}

/**
 * The rule both scorers apply to one batch at threshold index g, from its counts: `cnt` answered on
 * the device, `ok` of them right, `off` offloaded and right. Outage: device answers whose accuracy
 * is < p_tar; accuracy miss: overall accuracy < p_tar.
 */
function tallyBatch(
  outage: Float64Array,
  accuracyMiss: Float64Array,
  g: number,
  cnt: number,
  ok: number,
  off: number,
  pTar: number,
  batchSize: number,
): void {
  if (cnt > 0 && ok / cnt < pTar) outage[g] += 1;
  if ((ok + off) / batchSize < pTar) accuracyMiss[g] += 1;
}

/** Counts of batches over `nb` full batches, as fractions. */
function perBatch(outage: Float64Array, accuracyMiss: Float64Array, nb: number): BatchMisses {
  for (let g = 0; g < outage.length; g++) {
    outage[g] /= nb;
    accuracyMiss[g] /= nb;
  }
  return { outage, accuracyMiss, batches: nb };
}

/** Full batches in a sequence of `length` samples; throws when there is none. */
function fullBatches(length: number, batchSize: number): number {
  const nb = Math.floor(length / batchSize);
  if (nb < 1)
    throw new ConfigError(`batch size ${batchSize}: larger than the ${length} test samples; no full batch to score`);
  return nb;
}

/**
 * {@link batchMisses} for many sequences over one binned cascade: the same numbers, bit for bit,
 * at a fraction of the cost (the bootstrap scores four shuffles of every replicate's resample).
 * The three counts per threshold (on the device, answered right there, offloaded and answered
 * right) are packed into one float, radix R > batch size apart: every field of a batch's total
 * stays below R, so nothing carries between fields, and every partial sum is an integer below
 * 2^53 in magnitude, so it is exact. Each sample's difference-array entries are laid out once,
 * side by side (where it is offloaded and whether rightly, then each right device exit's range;
 * an entry that changes nothing points at the spare slot G): scoring a batch is then a few
 * additions per sample into one array and one prefix sum. Batches too large to pack take
 * {@link batchMisses} itself.
 */
export function batchMissScorer(
  b: BinnedCascade,
  sorted: Float64Array,
  batchSize: number,
): (seq: Int32Array) => BatchMisses {
  const G = sorted.length;
  const R = 2 ** Math.ceil(Math.log2(batchSize + 1));
  if (R ** 3 > Number.MAX_SAFE_INTEGER) return (seq) => batchMisses(b, sorted, seq, batchSize);
  const n = b.numSamples;
  const m = b.deviceExits.length;
  const W = 2 + 2 * m;
  const ev = new Int32Array(n * W);
  for (let i = 0; i < n; i++) {
    ev[i * W] = b.offBin[i];
    ev[i * W + 1] = b.offCorrect[i] ? 1 : 0;
    for (let j = 0; j < m; j++) {
      const lo = b.lo[j][i];
      const hi = b.hi[j][i];
      const right = lo < hi && b.correct[j][i] === 1;
      ev[i * W + 2 + 2 * j] = right ? lo : G;
      ev[i * W + 3 + 2 * j] = right ? hi : G;
    }
  }
  // Offloaded from offBin on: one fewer on the device, one more right offloaded answer if right.
  const offDelta = Float64Array.of(-1, R * R - 1);
  const d = new Float64Array(G + 1);
  return (seq) => {
    const nb = fullBatches(seq.length, batchSize);
    const outage = new Float64Array(G);
    const accuracyMiss = new Float64Array(G);
    for (let bi = 0; bi < nb; bi++) {
      d.fill(0);
      d[0] = batchSize; // every sample starts on the device
      for (let s = bi * batchSize, end = s + batchSize; s < end; s++) {
        const base = seq[s] * W;
        d[ev[base]] += offDelta[ev[base + 1]];
        for (let x = base + 2, last = base + W; x < last; x += 2) {
          d[ev[x]] += R;
          d[ev[x + 1]] -= R;
        }
      }
      let c = 0;
      for (let g = 0; g < G; g++) {
        c += d[g];
        const cnt = c % R;
        const ok = ((c - cnt) / R) % R;
        const off = (c - cnt - R * ok) / (R * R);
        tallyBatch(outage, accuracyMiss, g, cnt, ok, off, sorted[g], batchSize);
      }
    }
    return perBatch(outage, accuracyMiss, nb);
  };
}
