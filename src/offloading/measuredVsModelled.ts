import { quantileSorted } from '../metrics/bootstrap';
import type { MeasuredRow } from '../records/measuredRecords';
import type { CascadeLatency } from './latencyModel';

/**
 * The latency model against a testbed run: for each part of the latency the model predicts one
 * number; the run measured a distribution. Compared by the median and the 95th percentile, each
 * with a distribution-free 95 % interval (order statistics), and their relative errors against the
 * model: (measured − modelled) / modelled.
 */
export interface LatencyComparisonRow {
  /** "upload" (edge→cloud transfer, offloaded samples), "offloaded" (end-to-end, offloaded samples) or "exit j" (end-to-end, answered at device exit j). */
  quantity: string;
  /** Measured samples (fallbacks excluded from "upload" and "offloaded": their cloud never answered). */
  n: number;
  modelledMs: number;
  medianMs: number | null;
  medianCi: [number, number] | null;
  p95Ms: number | null;
  p95Ci: [number, number] | null;
  /** (median − modelled) / modelled. */
  medianRelError: number | null;
  p95RelError: number | null;
}

/**
 * A distribution-free 95 % interval for the q-quantile of n sorted values: the order statistics at
 * ranks n·q ± 1.96·√(n·q·(1−q)) (normal approximation to the binomial count below the quantile),
 * clamped to the sample. Null with fewer than 2 values.
 */
export function quantileInterval(sorted: ArrayLike<number>, q: number): [number, number] | null {
  const n = sorted.length;
  if (n < 2) return null;
  const half = 1.959964 * Math.sqrt(n * q * (1 - q));
  const lo = Math.max(0, Math.floor(n * q - half) - 1);
  const hi = Math.min(n - 1, Math.ceil(n * q + half) - 1);
  return [sorted[lo], sorted[hi]];
}

function compare(quantity: string, values: number[], modelledMs: number): LatencyComparisonRow {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  const median = n ? quantileSorted(s, 0.5) : null;
  const p95 = n ? quantileSorted(s, 0.95) : null;
  const rel = (x: number | null) => (x === null || !(modelledMs > 0) ? null : (x - modelledMs) / modelledMs);
  return {
    quantity,
    n,
    modelledMs,
    medianMs: median,
    medianCi: quantileInterval(s, 0.5),
    p95Ms: p95,
    p95Ci: quantileInterval(s, 0.95),
    medianRelError: rel(median),
    p95RelError: rel(p95),
  };
}

/**
 * Measured against modelled for one run (rows of one uplink rate; any methods and p_tar: every
 * answer is a sample of the latency of its outcome). `column` is the end-to-end time used for the
 * outcome rows (default total_ms, what the end node waited).
 */
export function latencyComparison(
  rows: readonly MeasuredRow[],
  modelled: CascadeLatency,
  column = 'total_ms',
): LatencyComparisonRow[] {
  const k = modelled.exitMs.length;
  const cloudAnswered = rows.filter((r) => r.offloaded && !r.fallback);
  const out = [
    compare(
      'upload',
      cloudAnswered.map((r) => r.ms.upload_ms),
      modelled.parts.uploadMs,
    ),
    compare(
      'offloaded',
      cloudAnswered.map((r) => r.ms[column]),
      modelled.offloadMs,
    ),
  ];
  for (let j = 1; j <= k; j++)
    out.push(
      compare(
        `exit ${j}`,
        rows.filter((r) => !r.offloaded && r.exit === j).map((r) => r.ms[column]),
        modelled.exitMs[j - 1],
      ),
    );
  return out;
}
