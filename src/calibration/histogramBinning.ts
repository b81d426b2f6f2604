import type { HistogramState } from './types';
import type { FitOutcome } from './baseCalibrator';
import { TopLabelCalibrator } from './topLabelCalibrator';
import type { TopLabelLogits } from './logitMath';
import { binEdges, binIndex, binTotals } from '../metrics/binning';
import type { BinScheme } from '../metrics/types';
import { RecordFormatError } from '../errors';

/** Options of {@link HistogramBinning}. */
export interface HistogramBinningOptions {
  /** Number of bins (default 15). */
  bins?: number;
  /** equal-width (default) or equal-mass edges. */
  scheme?: BinScheme;
}

/**
 * Histogram binning of the top-label confidence (Zadrozny & Elkan 2001; Guo et al. 2017): a
 * confidence in bin b (lo < c ≤ hi, the same membership as the ECE) is replaced by the
 * accuracy of the fitting samples in that bin. An empty bin keeps its midpoint (no data, so no
 * correction beyond the bin's own centre).
 */
export class HistogramBinning extends TopLabelCalibrator {
  readonly kind = 'histogram' as const;
  private edges: Float64Array = new Float64Array(0);
  private values = new Float64Array(0);

  constructor(private readonly options: HistogramBinningOptions = {}) {
    super();
  }

  /** Load a saved state. */
  static fromState(state: HistogramState, numClasses: number): HistogramBinning {
    const e = state.edges;
    const v = state.values;
    const ok =
      Array.isArray(e) &&
      Array.isArray(v) &&
      e.length === v.length + 1 &&
      v.length >= 1 &&
      e[0] === 0 &&
      e[e.length - 1] === 1 &&
      e.every((x, i) => Number.isFinite(x) && (i === 0 || x >= e[i - 1])) &&
      v.every((x) => x >= 0 && x <= 1);
    if (!ok)
      throw new RecordFormatError(
        'histogram calibrator: "edges" must rise from 0 to 1 and "values" (one per bin, in [0, 1]) must be one shorter',
      );
    const c = new HistogramBinning();
    c.edges = Float64Array.from(e);
    c.values = Float64Array.from(v);
    c.markLoaded(numClasses);
    return c;
  }

  protected fitMap(t: TopLabelLogits, correct: Uint8Array): FitOutcome {
    this.edges = binEdges(t.confidence, {
      bins: this.options.bins ?? 15,
      scheme: this.options.scheme ?? 'equal-width',
    });
    const totals = binTotals(t.confidence, correct, this.edges);
    this.values = new Float64Array(totals.count.length);
    let empty = 0;
    for (let b = 0; b < totals.count.length; b++) {
      if (totals.count[b] > 0) this.values[b] = totals.sumCorrect[b] / totals.count[b];
      else {
        this.values[b] = (this.edges[b] + this.edges[b + 1]) / 2;
        empty++;
      }
    }
    const warnings =
      empty > 0
        ? [`histogram: ${empty} of ${this.values.length} bins had no fitting sample and keep their midpoint`]
        : [];
    return { iterations: null, converged: true, warnings };
  }

  protected map(t: TopLabelLogits, i: number): number {
    return this.values[binIndex(this.edges, t.confidence[i])];
  }

  protected state(): HistogramState {
    return { kind: 'histogram', edges: [...this.edges], values: [...this.values] };
  }
}
