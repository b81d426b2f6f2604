import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MatrixScaling, VectorScaling, minimizeLbfgs } from '../../src/calibration';
import { nllFromProbabilities } from '../../src/metrics';
import { maxAbsDiff, near, reference, referenceData } from './reference';

test('L-BFGS minimises the Rosenbrock function', () => {
  const r = minimizeLbfgs(
    (x, g) => {
      g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2);
      g[1] = 200 * (x[1] - x[0] ** 2);
      return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
    },
    Float64Array.from([-1.2, 1]),
  );
  assert.ok(r.converged && Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6, JSON.stringify(r));
});

test('vector scaling reaches the PyTorch (strong-Wolfe L-BFGS, float64) optimum', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const v = new VectorScaling().fit(z, y, C);
  const p = v.probabilities(z);
  assert.ok(v.report!.converged);
  assert.ok(nllFromProbabilities(p, y, C) <= ref.vector.loss + 1e-12);
  assert.ok(near(nllFromProbabilities(p, y, C), ref.vector.loss, 1e-10));
  // The biases are defined only up to a common shift, so compare probabilities, not parameters.
  assert.ok(maxAbsDiff(p, ref.vector.probabilities) < 1e-6);
});

test('ODIR matrix scaling reaches the PyTorch optimum of the same penalised loss', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const m = new MatrixScaling({ lambda: ref.matrix.lambda, mu: ref.matrix.mu }).fit(z, y, C);
  const p = m.probabilities(z);
  assert.ok(m.report!.converged);
  assert.ok(maxAbsDiff(p, ref.matrix.probabilities) < 1e-6);
  const st = m.toJSON() as { weights: number[][]; biases: number[]; lambda: number; mu: number };
  let pen = 0;
  st.weights.forEach((row, j) =>
    row.forEach((w, l) => (pen += j === l ? 0 : (ref.matrix.lambda / (C * (C - 1))) * w * w)),
  );
  st.biases.forEach((b) => (pen += (ref.matrix.mu / C) * b * b));
  const loss = nllFromProbabilities(p, y, C) + pen;
  assert.ok(loss <= ref.matrix.loss + 1e-12 && near(loss, ref.matrix.loss, 1e-10), `${loss} vs ${ref.matrix.loss}`);
  // Stronger off-diagonal regularisation pulls W towards diagonal.
  const strong = new MatrixScaling({ lambda: 100, mu: 0.01 }).fit(z, y, C).toJSON() as { weights: number[][] };
  const offNorm = (W: number[][]) =>
    W.reduce((s, row, j) => s + row.reduce((t, w, l) => t + (j === l ? 0 : w * w), 0), 0);
  assert.ok(offNorm(strong.weights) < offNorm(st.weights));
});
