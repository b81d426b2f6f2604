import { nativeSoftmax } from '../../backend/nativeBlas';
import { expNonPositive } from './expNonPositive';
import type { ShiftedRows } from './refitKeys';

/**
 * The NLL of softmax(z / T) and dNLL/dT over the rows a bootstrap resample draws (`idx`, in drawn
 * order, repeats allowed), without copying them: each distinct row's terms are computed once per
 * evaluation (about 63% of the rows of a resample are distinct), then summed over `idx` in drawn
 * order. The sums therefore see the same numbers in the same order as the torch-lbfgs objective on
 * the copied rows (`fitTemperatureTorchLbfgs`), so the fit is the same bit for bit, for about 2/3 of
 * the exponentials.
 *
 * This objective is most of `eecal reproduce`'s time (50 evaluations per exit per replicate), so
 * where the native addon is built it runs there (native/eecal_softmax.c, eight rows at a time with
 * AVX-512), on the same numbers with the same rounding: V8's exp and log, the same operations in
 * the same order. `jsOnly` forces the JavaScript loop (the tests compare the two).
 */
export function resampledNllInT(rows: ShiftedRows, idx: Int32Array, jsOnly = false): (T: number) => [number, number] {
  const { shifted, labelShift, numClasses: C } = rows;
  const N = labelShift.length;
  const seen = new Int32Array(N).fill(-1);
  const distinct: number[] = [];
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    if (seen[i] < 0) {
      seen[i] = distinct.length;
      distinct.push(i);
    }
  }
  const n = idx.length;
  const kernel = jsOnly ? null : nativeSoftmax();
  if (kernel) {
    // Class-major copy of the distinct rows, padded to whole groups of eight (never drawn).
    const D = Math.ceil(distinct.length / 8) * 8;
    const dt = new Float64Array(C * D);
    const ls = new Float64Array(D);
    for (let r = 0; r < distinct.length; r++) {
      const base = distinct[r] * C;
      for (let k = 0; k < C; k++) dt[k * D + r] = shifted[base + k];
      ls[r] = labelShift[distinct[r]];
    }
    const drawn = new Int32Array(n);
    for (let j = 0; j < n; j++) drawn[j] = seen[idx[j]];
    const scratch = new Float64Array(2 * D);
    const sums = new Float64Array(2);
    return (T) => {
      const beta = 1 / T;
      kernel.temperatureNll(dt, ls, C, drawn, beta, scratch, sums, false);
      return [sums[0] / n, (-(beta * beta) * sums[1]) / n];
    };
  }
  const rowLoss = new Float64Array(N);
  const rowGrad = new Float64Array(N);
  return (T) => {
    const beta = 1 / T;
    for (const i of distinct) {
      const base = i * C;
      let s = 0;
      let m1 = 0;
      for (let k = 0; k < C; k++) {
        const d = shifted[base + k];
        const e = expNonPositive(beta * d);
        s += e;
        m1 += e * d;
      }
      rowLoss[i] = Math.log(s) - beta * labelShift[i];
      rowGrad[i] = m1 / s - labelShift[i];
    }
    let loss = 0;
    let gBeta = 0;
    for (let j = 0; j < n; j++) {
      loss += rowLoss[idx[j]];
      gBeta += rowGrad[idx[j]];
    }
    return [loss / n, (-(beta * beta) * gBeta) / n];
  };
}
