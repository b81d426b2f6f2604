import type { ExitRecords } from '../records/types';
import { offloadedMs } from '../cascade/exitLatency';
import { criticalTemperatures } from './criticalTemperature';
import {
  checkObjectiveOptions,
  offloadingOutcome,
  outcomeOf,
  type OffloadingObjectiveOptions,
  type OffloadingOutcome,
} from './offloadingObjective';
import { fitTemperatureExact } from './temperatureFit';
import { TemperatureScaling } from './temperatureScaling';
import type { ExitFit } from './earlyExit';

/** Options of {@link fitOffloadingTemperatures}. */
export interface OffloadingTemperatureOptions extends OffloadingObjectiveOptions {
  /** Temperature range searched (default [0.01, 100]). */
  minTemperature?: number;
  maxTemperature?: number;
  /** Starting points (k temperatures each); default: all 1 and the per-exit NLL-optimal T. */
  starts?: number[][];
  /** Full coordinate sweeps at most per start (default 50). */
  maxSweeps?: number;
}

/** Result of the offloading-driven fit. */
export interface OffloadingTemperatureResult {
  /** T_1…T_k of the device exits. */
  temperatures: number[];
  /** The objective at those temperatures, evaluated by running the cascade. */
  outcome: OffloadingOutcome;
  /** The same without calibration (all T = 1). */
  uncalibrated: OffloadingOutcome;
  /** Coordinate sweeps of the winning start. */
  sweeps: number;
  /** Index of the winning start. */
  start: number;
  /** One calibrator per exit: T_i for device exits, T = 1 (with a note) beyond k. */
  exits: ExitFit[];
}

/**
 * Offloading-driven per-branch temperatures (docs/paper-notes.md#offloading-driven-ts, "AdaTS(β)"): minimise
 * f(θ) = E[latency](θ) − β·Acc_edge(θ) over the device exits' temperatures θ = (T_1…T_k).
 *
 * Optimiser — exact coordinate search instead of SPSA: f is piecewise constant, since a sample
 * answers at exit i iff T_i ≤ τ_i(x), its critical temperature. SPSA's finite differences of a
 * step function are zero or noise, so it wanders and needs many evaluations; here each
 * coordinate step sorts the τ_i(x) of the samples reaching exit i and evaluates f on *every*
 * interval between consecutive breakpoints with prefix sums — the exact minimum along that
 * coordinate in O(N log N). Sweeps repeat until no single temperature can improve f (a
 * coordinate-wise optimum; the global optimum when k = 1), from several starts. Temperatures are
 * placed at the geometric middle of their interval, and the result is re-evaluated by running
 * the cascade. The probability-division variant of the authors' code (conf / T) is not used:
 * temperatures act on logits as everywhere else in eecal.
 */
export function fitOffloadingTemperatures(
  records: ExitRecords,
  opts: OffloadingTemperatureOptions,
): OffloadingTemperatureResult {
  const k = checkObjectiveOptions(records, opts);
  const C = records.numClasses;
  const n = records.numSamples;
  const minT = opts.minTemperature ?? 0.01;
  const maxT = opts.maxTemperature ?? 100;
  const disabled = opts.disabled ?? new Set<number>();
  const dev = opts.latency.deviceMs;
  const offloadMs = offloadedMs(opts.latency, k);
  const tau = records.logits
    .slice(0, k)
    .map((l, e) => (disabled.has(e + 1) ? new Float64Array(n) : criticalTemperatures(l, C, opts.pTar)));
  const correct = records.logits.slice(0, k).map((l) => {
    const c = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let arg = 0;
      for (let j = 1; j < C; j++) if (l[i * C + j] > l[i * C + arg]) arg = j;
      c[i] = arg === records.labels[i] ? 1 : 0;
    }
    return c;
  });
  const starts = opts.starts ?? [
    new Array(k).fill(1),
    records.logits
      .slice(0, k)
      .map(
        (l) => fitTemperatureExact(l, records.labels, C, { minTemperature: minT, maxTemperature: maxT }).temperature,
      ),
  ];
  const clamp = (t: number) => Math.min(Math.max(t, minT), maxT);
  let best: { theta: number[]; value: number; sweeps: number; start: number } | null = null;
  starts.forEach((s, startIdx) => {
    const theta = s.map(clamp);
    let value = Infinity;
    let sweeps = 0;
    for (; sweeps < (opts.maxSweeps ?? 50); sweeps++) {
      let improved = false;
      for (let i = 0; i < k; i++) {
        if (disabled.has(i + 1)) continue;
        const step = bestAlongCoordinate(i, theta, tau, correct, dev, offloadMs, n, opts.beta, minT, maxT);
        value = step.current;
        if (step.value < step.current - 1e-12 * Math.max(1, Math.abs(step.current))) {
          theta[i] = step.t;
          value = step.value;
          improved = true;
        }
      }
      if (!improved) break;
    }
    if (!best || value < best.value) best = { theta: [...theta], value, sweeps, start: startIdx };
  });
  const win = best!;
  const exits: ExitFit[] = records.logits.map((_, e) => ({
    exit: e + 1,
    calibrator: TemperatureScaling.withTemperature(e < k ? win.theta[e] : 1, C),
    fitSamples: e < k ? n : 0,
    note: e < k ? null : `exit ${e + 1} is not on the device (k = ${k}); T = 1 kept`,
    report: null,
  }));
  return {
    temperatures: win.theta,
    outcome: offloadingOutcome(records, win.theta, opts),
    uncalibrated: offloadingOutcome(records, new Array(k).fill(1), opts),
    sweeps: win.sweeps,
    start: win.start,
    exits,
  };
}

/** Exact minimum of f along T_i with the other temperatures fixed; also f at the current T_i. */
function bestAlongCoordinate(
  i: number,
  theta: number[],
  tau: Float64Array[],
  correct: Uint8Array[],
  dev: readonly number[],
  offloadMs: number,
  n: number,
  beta: number,
  minT: number,
  maxT: number,
): { t: number; value: number; current: number } {
  const k = theta.length;
  // Fixed totals (samples answered before exit i) and per-sample outcomes for those reaching i.
  let time = 0;
  let edge = 0;
  let edgeCorrect = 0;
  const reach: number[] = [];
  const cont: Array<[number, number, number]> = [];
  for (let x = 0; x < n; x++) {
    let j = 0;
    while (j < i && !(theta[j] <= tau[j][x])) j++;
    if (j < i) {
      time += dev[j];
      edge++;
      edgeCorrect += correct[j][x];
      continue;
    }
    let m = i + 1;
    while (m < k && !(theta[m] <= tau[m][x])) m++;
    reach.push(x);
    cont.push(m < k ? [dev[m], 1, correct[m][x]] : [offloadMs, 0, 0]);
  }
  // Start from "nobody reaching i passes", then let groups pass in order of decreasing τ.
  for (const [t, e, c] of cont) {
    time += t;
    edge += e;
    edgeCorrect += c;
  }
  const order = reach
    .map((_, r) => r)
    .filter((r) => tau[i][reach[r]] > 0)
    .sort((a, b) => tau[i][reach[b]] - tau[i][reach[a]]);
  const pass = (r: number) => {
    const x = reach[r];
    time += dev[i] - cont[r][0];
    edge += 1 - cont[r][1];
    edgeCorrect += correct[i][x] - cont[r][2];
  };
  // Samples with τ = ∞ pass at every temperature.
  let p = 0;
  while (p < order.length && tau[i][reach[order[p]]] === Infinity) pass(order[p++]);
  let bestT = theta[i];
  let bestValue = Infinity;
  let current = NaN;
  let upper = Infinity; // candidate interval (lower, upper]
  for (;;) {
    const lower = p < order.length ? tau[i][reach[order[p]]] : 0;
    const value = outcomeOf(time, edge, edgeCorrect, n, beta).objective;
    const lo = Math.max(lower, minT);
    const hi = Math.min(upper, maxT);
    if (lo < hi || (lo === hi && lower < minT)) {
      const t = lo < hi ? Math.sqrt(lo * hi) : hi;
      if (value < bestValue) {
        bestValue = value;
        bestT = t;
      }
    }
    if (theta[i] > lower && theta[i] <= upper) current = value;
    if (p >= order.length) break;
    // Let the next group (all samples sharing this τ) pass.
    upper = lower;
    while (p < order.length && tau[i][reach[order[p]]] === lower) pass(order[p++]);
  }
  return { t: bestT, value: bestValue, current };
}
