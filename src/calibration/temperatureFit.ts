import type { FloatArray } from '../records/types';
import { ConfigError, ShapeMismatchError } from '../errors';

/** Options of the exact temperature solver. */
export interface ExactTemperatureOptions {
  /** Smallest temperature allowed (default 0.01). */
  minTemperature?: number;
  /** Largest temperature allowed (default 100). */
  maxTemperature?: number;
  /** Stop when |dNLL/d ln T| / NLL ≤ this (default 1e-8). */
  tolerance?: number;
  /** Newton/bisection iterations at most (default 100). */
  maxIterations?: number;
  /**
   * Weight of each row (e.g. its multiplicity in a bootstrap resample; default 1 each): the
   * weighted NLL Σ w_i ℓ_i / Σ w_i is minimised, so integer weights give the fit on the resample's
   * rows without copying them. Rows of weight 0 are ignored (also by the all-correct test).
   */
  weights?: ArrayLike<number> | null;
  /** Where Newton starts (default T = 1); a nearby optimum (the full data's, for a resample) saves iterations. */
  initialTemperature?: number;
}

/** Result of a temperature fit. */
export interface TemperatureFitResult {
  temperature: number;
  /** NLL (nats) at the fitted temperature. */
  nll: number;
  /** Loss evaluations after the first (Newton/bisection steps, or L-BFGS iterations). */
  iterations: number;
  /** |dNLL/d ln T| / NLL at the returned temperature. */
  relativeGradient: number;
  converged: boolean;
  /** Which bound the optimum was clipped to, if any. */
  atBound: 'min' | 'max' | null;
  warnings: string[];
}

/**
 * NLL of softmax(β·z) and its first two derivatives in β = 1/T, over pre-shifted logits
 * d = z − max(z) (≤ 0) with d_y the label's entry:
 *   L(β) = mean_i [ln Σ_k e^{β d_ik} − β d_iy],  L' = mean_i (E_p[d] − d_y),  L'' = mean_i Var_p(d) ≥ 0.
 * L is convex in β, which is what makes a safeguarded Newton iteration exact.
 */
export function nllDerivativesInBeta(
  shifted: Float64Array,
  labelShift: Float64Array,
  numClasses: number,
  beta: number,
  weights?: ArrayLike<number> | null,
): [number, number, number] {
  const C = numClasses;
  const n = labelShift.length;
  let loss = 0;
  let grad = 0;
  let hess = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    total += w;
    const base = i * C;
    let s = 0;
    let m1 = 0;
    let m2 = 0;
    for (let k = 0; k < C; k++) {
      const d = shifted[base + k];
      const e = Math.exp(beta * d);
      s += e;
      m1 += e * d;
      m2 += e * d * d;
    }
    const mean = m1 / s;
    loss += w * (Math.log(s) - beta * labelShift[i]);
    grad += w * (mean - labelShift[i]);
    hess += w * (m2 / s - mean * mean);
  }
  return [loss / total, grad / total, Math.max(hess / total, 0)];
}

/** Shift every row by its max (so exponents are ≤ 0) and pick out the label entries. */
export function shiftLogits(
  logits: FloatArray,
  labels: Int32Array,
  numClasses: number,
): { shifted: Float64Array; labelShift: Float64Array } {
  const C = numClasses;
  const n = labels.length;
  const shifted = new Float64Array(n * C);
  const labelShift = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * C;
    let max = -Infinity;
    for (let k = 0; k < C; k++) if (logits[base + k] > max) max = logits[base + k];
    for (let k = 0; k < C; k++) shifted[base + k] = logits[base + k] - max;
    labelShift[i] = shifted[base + labels[i]];
  }
  return { shifted, labelShift };
}

/**
 * Exact temperature scaling: minimise the NLL of softmax(z / T) over T ∈ [Tmin, Tmax].
 * Parametrised by β = 1/T, where the NLL is convex; safeguarded Newton (a step leaving the
 * current bracket becomes a geometric-mean bisection), started at T = 1, stopped when the
 * relative gradient |dL/d ln T| / L = |β L'(β)| / L ≤ tolerance. No finite optimum exists when
 * every prediction is correct (L keeps falling as T → 0) or the logits anti-predict the labels
 * (T → ∞); the temperature is then clipped to the bound and a warning says why.
 * Inputs must be checked (finite logits, labels in range, N ≥ 1).
 */
export function fitTemperatureExact(
  logits: FloatArray,
  labels: Int32Array,
  numClasses: number,
  opts: ExactTemperatureOptions = {},
): TemperatureFitResult {
  const { shifted, labelShift } = shiftLogits(logits, labels, numClasses);
  return fitTemperatureShifted(shifted, labelShift, numClasses, opts);
}

/**
 * {@link fitTemperatureExact} on logits already shifted by {@link shiftLogits}: what a bootstrap
 * calls once per resample with that resample's multiplicities as `weights`, so the rows are
 * shifted once and never copied.
 */
export function fitTemperatureShifted(
  shifted: Float64Array,
  labelShift: Float64Array,
  numClasses: number,
  opts: ExactTemperatureOptions = {},
): TemperatureFitResult {
  const tMin = opts.minTemperature ?? 0.01;
  const tMax = opts.maxTemperature ?? 100;
  const tol = opts.tolerance ?? 1e-8;
  const maxIter = opts.maxIterations ?? 100;
  if (!(tMin > 0 && tMax > tMin))
    throw new ConfigError(`temperature bounds [${tMin}, ${tMax}]: expected 0 < min < max`);
  const weights = opts.weights ?? null;
  if (weights && weights.length !== labelShift.length)
    throw new ShapeMismatchError(`temperature fit: ${weights.length} weights for ${labelShift.length} rows`);
  if (weights && !hasPositiveWeight(weights))
    throw new ConfigError('temperature fit: every weight is 0 (no row to fit on)');
  const f = (b: number) => nllDerivativesInBeta(shifted, labelShift, numClasses, b, weights);
  const betaLo = 1 / tMax;
  const betaHi = 1 / tMin;
  let lo = betaLo;
  let hi = betaHi;
  const start = opts.initialTemperature !== undefined && opts.initialTemperature > 0 ? 1 / opts.initialTemperature : 1;
  let beta = Math.min(Math.max(start, lo), hi);
  let [loss, grad, hess] = f(beta);
  let iterations = 0;
  // Some label is not the top logit ⇒ loss > 0, so the relative gradient is well defined.
  const relGrad = () => (loss > 0 ? Math.abs(beta * grad) / loss : Math.abs(beta * grad));
  const done = (warnings: string[], atBound: 'min' | 'max' | null, converged: boolean): TemperatureFitResult => ({
    temperature: 1 / beta,
    nll: loss,
    iterations,
    relativeGradient: relGrad(),
    converged,
    atBound,
    warnings,
  });
  if (isAllCorrect(labelShift, weights)) {
    // L'(β) = mean E_p[d] ≤ 0 everywhere: the NLL falls monotonically as T → 0.
    if (grad === 0) {
      beta = Math.min(Math.max(1, lo), hi);
      [loss, grad] = f(beta);
      return done(['temperature: every logit row is constant, so every T gives the same NLL; T = 1 kept'], null, true);
    }
    beta = betaHi;
    [loss, grad] = f(beta);
    iterations++;
    return done(
      [
        `temperature: no finite optimum (every fitting prediction is correct, so the NLL keeps decreasing as T → 0); T clipped to minTemperature = ${tMin}`,
      ],
      'min',
      true,
    );
  }
  const probed = { lo: false, hi: false };
  while (relGrad() > tol && iterations < maxIter) {
    if (grad < 0) lo = beta;
    else hi = beta;
    if (hi - lo <= 1e-15 * beta) break;
    let next = hess > 0 ? beta - grad / hess : NaN;
    // Probe each bound once when Newton points past it: the optimum may lie beyond it.
    if (next >= hi && hi === betaHi && !probed.hi) {
      next = betaHi;
      probed.hi = true;
    } else if (next <= lo && lo === betaLo && !probed.lo) {
      next = betaLo;
      probed.lo = true;
    } else if (!(next > lo && next < hi)) {
      // A Newton step that leaves the bracket becomes a geometric-mean bisection.
      next = Math.sqrt(lo * hi);
    }
    beta = next;
    [loss, grad, hess] = f(beta);
    iterations++;
    if (beta === betaHi && grad < 0) {
      return done(
        [`temperature: the NLL keeps decreasing as T → 0; T clipped to minTemperature = ${tMin}`],
        'min',
        true,
      );
    }
    if (beta === betaLo && grad > 0) {
      return done(
        [
          `temperature: the NLL keeps decreasing as T grows (the logits do not predict the labels); T clipped to maxTemperature = ${tMax}`,
        ],
        'max',
        true,
      );
    }
  }
  const ok = relGrad() <= tol;
  return done(
    ok
      ? []
      : [
          `temperature: stopped after ${iterations} iterations with relative gradient ${relGrad().toExponential(2)} > ${tol}`,
        ],
    null,
    ok,
  );
}

/** True when the label's logit is the row max for every sample of positive weight (label shift 0, a tie counts). */
function isAllCorrect(labelShift: Float64Array, weights: ArrayLike<number> | null): boolean {
  for (let i = 0; i < labelShift.length; i++) if (labelShift[i] !== 0 && (!weights || weights[i] !== 0)) return false;
  return true;
}

function hasPositiveWeight(weights: ArrayLike<number>): boolean {
  for (let i = 0; i < weights.length; i++) if (weights[i] > 0) return true;
  return false;
}
