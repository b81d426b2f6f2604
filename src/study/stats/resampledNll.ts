import { expNonPositive } from './expNonPositive';
import type { ShiftedRows } from './refitKeys';

/**
 * The NLL of softmax(z / T) and dNLL/dT over the rows a bootstrap resample draws (`idx`, in drawn
 * order, repeats allowed), without copying them: each distinct row's terms are computed once per
 * evaluation (about 63% of the rows of a resample are distinct), then summed over `idx` in drawn
 * order. The sums therefore see the same numbers in the same order as the torch-lbfgs objective on
 * the copied rows (`fitTemperatureTorchLbfgs`), so the fit is the same bit for bit, for about 2/3 of
 * the exponentials.
 */
export function resampledNllInT(rows: ShiftedRows, idx: Int32Array): (T: number) => [number, number] {
  const { shifted, labelShift, numClasses: C } = rows;
  const N = labelShift.length;
  const seen = new Uint8Array(N);
  const distinct: number[] = [];
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    if (!seen[i]) {
      seen[i] = 1;
      distinct.push(i);
    }
  }
  const rowLoss = new Float64Array(N);
  const rowGrad = new Float64Array(N);
  const n = idx.length;
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
