import { checkPTarGrid, type CascadeKeys, type CascadeLayout } from '../cascade/cascadeKeys';
import { binCascade, sortGrid, type BinnedCascade } from './thresholdBins';
import type { DeviceExitCosts } from './deviceCost';

/** One p_tar of a sweep. The field names are the CLI's JSON contract (`eecal sweep --json`). */
export interface SweepRow {
  pTar: number;
  /** P_off = fraction of samples no enabled device exit answers (docs/paper-notes.md#offloading-probability). */
  offloadProbability: number;
  /** Acc_edge = accuracy over the samples the device keeps; null when it keeps none. */
  onDeviceAccuracy: number | null;
  /** Acc_total = correct answers (device or cloud, with the chosen fallback) / N. */
  overallAccuracy: number;
  /** Length k+1: fraction answered at device exit 1…k (0 for disabled ones), then the offloaded fraction. */
  exitFractions: number[];
  /** Mean device MACs per sample (sidecar costs); null when the records carry no costs. */
  expectedDeviceMacs: number | null;
}

/** Per sorted-grid index sample counts (weighted counts when resampling). */
export interface ThresholdCounts {
  /** Per enabled device exit: samples answered there / of them correctly. */
  exitCount: Float64Array[];
  exitCorrect: Float64Array[];
  /** Samples offloaded / of them answered correctly. */
  offCount: Float64Array;
  offCorrect: Float64Array;
  /** Total (weighted) number of samples. */
  total: number;
}

/** In-place prefix sum of a difference array of length G+1; returns its first G entries. */
function integrate(d: Float64Array): Float64Array {
  for (let g = 1; g < d.length; g++) d[g] += d[g - 1];
  return d.subarray(0, d.length - 1);
}

/**
 * Counts at every grid threshold in one pass over the samples (difference arrays, see
 * `thresholdBins.ts`). `weights[i]` = how many times sample i counts (bootstrap multiplicities);
 * default 1 each.
 */
export function countThresholds(b: BinnedCascade, weights?: ArrayLike<number>): ThresholdCounts {
  const G = b.numBins;
  const n = b.numSamples;
  const exitCount: Float64Array[] = [];
  const exitCorrect: Float64Array[] = [];
  for (let m = 0; m < b.deviceExits.length; m++) {
    const dc = new Float64Array(G + 1);
    const dk = new Float64Array(G + 1);
    const lo = b.lo[m];
    const hi = b.hi[m];
    const ok = b.correct[m];
    for (let i = 0; i < n; i++) {
      const l = lo[i];
      const h = hi[i];
      if (l >= h) continue;
      const w = weights ? weights[i] : 1;
      dc[l] += w;
      dc[h] -= w;
      if (ok[i]) {
        dk[l] += w;
        dk[h] -= w;
      }
    }
    exitCount.push(integrate(dc));
    exitCorrect.push(integrate(dk));
  }
  const dOff = new Float64Array(G + 1);
  const dOffOk = new Float64Array(G + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    total += w;
    dOff[b.offBin[i]] += w;
    if (b.offCorrect[i]) dOffOk[b.offBin[i]] += w;
  }
  return { exitCount, exitCorrect, offCount: integrate(dOff), offCorrect: integrate(dOffOk), total };
}

/** The metrics of sorted-grid index g. */
export function rowAt(
  b: BinnedCascade,
  c: ThresholdCounts,
  g: number,
  pTar: number,
  macs: DeviceExitCosts | null,
): SweepRow {
  const N = c.total;
  let dev = 0;
  let devOk = 0;
  let macSum = 0;
  const exitFractions = new Array<number>(b.edgeExits + 1).fill(0);
  b.deviceExits.forEach((e, m) => {
    const cnt = c.exitCount[m][g];
    dev += cnt;
    devOk += c.exitCorrect[m][g];
    exitFractions[e] = cnt / N;
    if (macs) macSum += cnt * macs.exit[e];
  });
  const off = c.offCount[g];
  exitFractions[b.edgeExits] = off / N;
  if (macs) macSum += off * macs.offload;
  return {
    pTar,
    offloadProbability: off / N,
    onDeviceAccuracy: dev > 0 ? devOk / dev : null,
    overallAccuracy: (devOk + c.offCorrect[g]) / N,
    exitFractions,
    expectedDeviceMacs: macs ? macSum / N : null,
  };
}

/** Options of `sweepThresholds`. */
export interface SweepOptions extends CascadeLayout {
  /** Device MACs per cascade outcome (`deviceMacsFromSidecar`); omit or null for no MACs column. */
  deviceMacs?: DeviceExitCosts | null;
}

/**
 * All metrics at every p_tar of a grid at once (docs/paper-notes.md#offloading-probability, cascade
 * of #exit-rule with `confidence ≥ p_tar`). Cost O(N·k + G·k) for an evenly spaced grid, O(N·k·log G + G·k) otherwise,
 * instead of O(N·k·G) for one cascade pass per threshold. Rows come back in the grid's order.
 */
export function sweepThresholds(input: CascadeKeys, pTars: readonly number[], opts: SweepOptions): SweepRow[] {
  checkPTarGrid(pTars);
  return sweepKeys(input, pTars, opts);
}

/** `sweepThresholds` without the [0, 1] check: any thresholds on the keys (used by other policies). */
export function sweepKeys(input: CascadeKeys, thresholds: readonly number[], opts: SweepOptions): SweepRow[] {
  const grid = sortGrid(thresholds);
  const b = binCascade(input, grid.values, opts);
  const counts = countThresholds(b);
  const rows = new Array<SweepRow>(thresholds.length);
  for (let r = 0; r < thresholds.length; r++) {
    rows[grid.order[r]] = rowAt(b, counts, r, grid.values[r], opts.deviceMacs ?? null);
  }
  return rows;
}
