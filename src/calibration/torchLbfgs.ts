import type { FloatArray } from '../records/types';
import { shiftLogits, type TemperatureFitResult } from './temperatureFit';

/** The authors' recipe (gpleiss/temperature_scaling, docs/paper-notes.md#torch-lbfgs) and PyTorch's LBFGS defaults. */
export interface TorchLbfgsOptions {
  /** Step size (default 0.01, the recipe's `lr`). */
  lr?: number;
  /** L-BFGS iterations (default 50 as in the paper's code; gpleiss later used 200). */
  maxIterations?: number;
  /** Starting temperature (default 1.5). */
  initialTemperature?: number;
  /** Curvature pairs kept (PyTorch default 100). */
  historySize?: number;
  /** Stop when |g| ≤ this (PyTorch `tolerance_grad`, default 1e-7). */
  toleranceGrad?: number;
  /** Stop when a step or loss change is below this (PyTorch `tolerance_change`, default 1e-9). */
  toleranceChange?: number;
}

/** NLL of softmax(z / T) and dNLL/dT = −(1/T²)·mean(E_p[d] − d_y), over shifted logits. */
function nllAndGradInT(shifted: Float64Array, labelShift: Float64Array, C: number, T: number): [number, number] {
  const beta = 1 / T;
  const n = labelShift.length;
  let loss = 0;
  let gBeta = 0;
  for (let i = 0; i < n; i++) {
    const base = i * C;
    let s = 0;
    let m1 = 0;
    for (let k = 0; k < C; k++) {
      const d = shifted[base + k];
      const e = Math.exp(beta * d);
      s += e;
      m1 += e * d;
    }
    loss += Math.log(s) - beta * labelShift[i];
    gBeta += m1 / s - labelShift[i];
  }
  return [loss / n, (-(beta * beta) * gBeta) / n];
}

/**
 * Emulation of `torch.optim.LBFGS([T], lr, max_iter)` without line search, as the paper's code
 * calls it once on the validation NLL (docs/paper-notes.md#torch-lbfgs), in float64. It follows PyTorch's
 * `step()` literally: first direction −g with step min(1, 1/|g|)·lr; later directions from the
 * two-loop recursion over stored (s, y) pairs (pairs with y·s ≤ 1e-10 are skipped), fixed step
 * lr; the same stopping tests. With lr = 0.01 each step covers ~1% of the way to the optimum, so
 * 50 iterations leave T about a third of the way from 1.5 — the unconverged fit users should see.
 * Inputs must be checked. T is not constrained (as in PyTorch); a non-positive T is reported.
 */
export function fitTemperatureTorchLbfgs(
  logits: FloatArray,
  labels: Int32Array,
  numClasses: number,
  opts: TorchLbfgsOptions = {},
): TemperatureFitResult {
  const { shifted, labelShift } = shiftLogits(logits, labels, numClasses);
  return torchLbfgsTemperature((T) => nllAndGradInT(shifted, labelShift, numClasses, T), opts);
}

/**
 * The L-BFGS loop of {@link fitTemperatureTorchLbfgs} over any objective T → [NLL, dNLL/dT]: a
 * caller that evaluates the same NLL faster with the same rounding (a bootstrap resample's rows,
 * each distinct row computed once) gets the same temperature bit for bit.
 */
export function torchLbfgsTemperature(
  f: (T: number) => [number, number],
  opts: TorchLbfgsOptions = {},
): TemperatureFitResult {
  const lr = opts.lr ?? 0.01;
  const maxIter = opts.maxIterations ?? 50;
  const history = opts.historySize ?? 100;
  const tolGrad = opts.toleranceGrad ?? 1e-7;
  const tolChange = opts.toleranceChange ?? 1e-9;
  const maxEval = Math.floor((maxIter * 5) / 4);
  let x = opts.initialTemperature ?? 1.5;
  let [loss, g] = f(x);
  let evals = 1;
  let iterations = 0;
  const result = (warnings: string[] = []): TemperatureFitResult => {
    const relativeGradient = loss > 0 ? Math.abs(x * g) / loss : 0;
    if (!(x > 0)) warnings.push(`torch-lbfgs: the emulated fit reached T = ${x} ≤ 0 (PyTorch does not constrain T)`);
    return {
      temperature: x,
      nll: loss,
      iterations,
      relativeGradient,
      converged: relativeGradient <= 1e-8,
      atBound: null,
      warnings,
    };
  };
  if (Math.abs(g) <= tolGrad) return result();
  const oldDirs: number[] = [];
  const oldStps: number[] = [];
  const ro: number[] = [];
  let hDiag = 1;
  let d = 0;
  let t = 0;
  let prevG = 0;
  let prevLoss: number;
  while (iterations < maxIter) {
    iterations++;
    if (iterations === 1) {
      d = -g;
    } else {
      const y = g - prevG;
      const s = d * t;
      const ys = y * s;
      if (ys > 1e-10) {
        if (oldDirs.length === history) {
          oldDirs.shift();
          oldStps.shift();
          ro.shift();
        }
        oldDirs.push(y);
        oldStps.push(s);
        ro.push(1 / ys);
        hDiag = ys / (y * y);
      }
      // Two-loop recursion, kept literal so rounding follows PyTorch's order of operations.
      const al = new Array<number>(oldDirs.length);
      let q = -g;
      for (let i = oldDirs.length - 1; i >= 0; i--) {
        al[i] = oldStps[i] * q * ro[i];
        q -= al[i] * oldDirs[i];
      }
      let r = q * hDiag;
      for (let i = 0; i < oldDirs.length; i++) {
        const be = oldDirs[i] * r * ro[i];
        r += oldStps[i] * (al[i] - be);
      }
      d = r;
    }
    prevG = g;
    prevLoss = loss;
    t = iterations === 1 ? Math.min(1, 1 / Math.abs(g)) * lr : lr;
    if (g * d > -tolChange) break;
    x += t * d;
    let optCond = false;
    if (iterations !== maxIter) {
      [loss, g] = f(x);
      evals++;
      optCond = Math.abs(g) <= tolGrad;
    }
    if (iterations === maxIter || evals >= maxEval || optCond) break;
    if (Math.abs(d * t) <= tolChange || Math.abs(loss - prevLoss) < tolChange) break;
  }
  // PyTorch does not re-evaluate after the last step; evaluate so the report is of the returned T.
  if (x > 0) [loss, g] = f(x);
  return result();
}
