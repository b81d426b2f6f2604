import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemperatureScaling, fitTemperatureExact, fitTemperatureTorchLbfgs, softmaxRows } from '../../src/calibration';
import { nllFromLogits } from '../../src/metrics';
import { EecalError, NotFittedError, ShapeMismatchError } from '../../src/errors';
import { createRng } from '../../src/util/rng';
import { near, reference, referenceData } from './reference';

test('exact TS: T within 1e-6 of the fine-grid and Brent optima, relative gradient ≤ 1e-8, few iterations', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const r = fitTemperatureExact(z, y, C);
  assert.ok(near(r.temperature, ref.temperature.grid, 1e-6), `${r.temperature} vs grid ${ref.temperature.grid}`);
  assert.ok(near(r.temperature, ref.temperature.brent, 1e-6));
  assert.ok(r.relativeGradient <= 1e-8 && r.converged && r.atBound === null);
  assert.ok(r.iterations <= 8, `${r.iterations} iterations`);
  assert.ok(r.nll <= ref.temperature.nllAtOptimum + 1e-14, 'NLL at least as low as the grid optimum');
  assert.ok(near(r.nll, nllFromLogits(z, y, C, r.temperature), 1e-14));
});

test('torch-lbfgs emulation reproduces PyTorch LBFGS(lr=0.01): 50 and 200 iterations from T0 = 1.5', () => {
  const ref = reference();
  const { C, z, y } = referenceData();
  const r50 = fitTemperatureTorchLbfgs(z, y, C);
  assert.equal(r50.iterations, 50);
  assert.ok(
    near(r50.temperature, ref.temperature.torchLbfgs50Float64, 1e-10),
    `${r50.temperature} vs ${ref.temperature.torchLbfgs50Float64}`,
  );
  assert.ok(
    near(r50.temperature, ref.temperature.torchLbfgs50Float32, 1e-5),
    'float32 PyTorch agrees to float32 precision',
  );
  const r200 = fitTemperatureTorchLbfgs(z, y, C, { maxIterations: 200 });
  assert.ok(near(r200.temperature, ref.temperature.torchLbfgs200Float64, 1e-10));
  // The unconverged fit moves only part of the way from 1.5 to T* (docs/paper-notes.md#torch-lbfgs).
  const share = (r50.temperature - 1.5) / (ref.temperature.grid - 1.5);
  assert.ok(share > 0.2 && share < 0.45, `share ${share}`);
  assert.ok(!r50.converged && r50.nll > ref.temperature.nllAtOptimum);
});

test('TemperatureScaling: report before/after, argmax kept, rows sum to 1, optimizer switch', () => {
  const { C, z, y } = referenceData();
  const cal = new TemperatureScaling().fit(z, y, C);
  const rep = cal.report!;
  assert.ok(rep.nllAfter < rep.nllBefore && rep.eceAfter < rep.eceBefore);
  assert.equal(rep.accuracyAfter, rep.accuracyBefore);
  assert.equal(rep.samples, y.length);
  const p = cal.probabilities(z);
  const raw = softmaxRows(z, C);
  for (let i = 0; i < y.length; i++) {
    const row = p.subarray(i * C, (i + 1) * C);
    assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    const argmax = (r: Float64Array) => r.indexOf(Math.max(...r));
    assert.equal(argmax(row), argmax(raw.subarray(i * C, (i + 1) * C)));
  }
  assert.deepEqual(cal.toJSON(), { kind: 'temperature', temperature: cal.temperature });
  const torch = new TemperatureScaling({ optimizer: 'torch-lbfgs' }).fit(z, y, C);
  assert.equal(torch.report!.iterations, 50);
  assert.ok(torch.report!.nllAfter > rep.nllAfter);
});

test('every prediction correct: no finite optimum, T clipped to the lower bound with a warning', () => {
  const z = Float64Array.from([3, 0, 0, 0, 2, 1, 1, 0, 4]);
  const y = Int32Array.from([0, 1, 2]);
  const cal = new TemperatureScaling({ minTemperature: 0.05 }).fit(z, y, 3);
  assert.equal(cal.temperature, 0.05);
  assert.equal(cal.solve!.atBound, 'min');
  assert.ok(cal.report!.warnings.some((w) => /no finite optimum \(every fitting prediction is correct/.test(w)));
  assert.ok(Number.isFinite(cal.report!.nllAfter));
});

test('anti-predictive logits: NLL falls as T grows, T clipped to the upper bound with a warning', () => {
  const z = Float64Array.from([3, 0, 0, 2, 0, 1]);
  const y = Int32Array.from([1, 1]);
  const r = fitTemperatureExact(z, y, 3, { maxTemperature: 50 });
  assert.equal(r.temperature, 50);
  assert.equal(r.atBound, 'max');
  assert.ok(/T clipped to maxTemperature = 50/.test(r.warnings[0]));
  const flat = fitTemperatureExact(Float64Array.from([1, 1, 2, 2]), Int32Array.from([0, 1]), 2);
  assert.equal(flat.temperature, 1);
  assert.ok(/every logit row is constant/.test(flat.warnings[0]));
});

test('ECE that gets worse after TS is reported as a warning (and only then)', () => {
  const rng = createRng(3);
  const n = 500;
  const C = 4;
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const exits = [0, 1, 2].map((e) => {
    const l = new Float64Array(n * C);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < C; k++) l[i * C + k] = 2 * rng.normal();
      l[i * C + labels[i]] += 1 + e + 2 * rng.next();
    }
    return l;
  });
  const reports = exits.map((l) => new TemperatureScaling().fit(l, labels, C).report!);
  const worse = reports.filter((r) => r.eceAfter > r.eceBefore).length;
  assert.ok(worse >= 1 && worse < 3, 'this data has both cases');
  for (const r of reports)
    assert.equal(
      r.warnings.some((w) => /ECE on the fitting data got worse/.test(w)),
      r.eceAfter > r.eceBefore,
    );
});

test('bad input: not fitted, NaN/Inf logits, label out of range, ragged rows, no samples, class never present', () => {
  const cal = new TemperatureScaling();
  assert.throws(() => cal.probabilities(Float64Array.from([1, 2])), NotFittedError);
  assert.throws(() => cal.toJSON(), /toJSON\(\) called before fit\(\)/);
  assert.throws(() => cal.temperature, NotFittedError);
  assert.throws(
    () => cal.fit(Float64Array.from([1, NaN]), Int32Array.from([0]), 2),
    (e: unknown) => e instanceof EecalError && /sample 0, class 1 is NaN/.test((e as Error).message),
  );
  assert.throws(
    () => cal.fit(Float64Array.from([1, Infinity]), Int32Array.from([0]), 2),
    /is Infinity: NaN\/Inf logits cannot be calibrated/,
  );
  assert.throws(() => cal.fit(Float64Array.from([1, 2]), Int32Array.from([2]), 2), /label of sample 0 is 2/);
  assert.throws(() => cal.fit(Float64Array.from([1, 2, 3]), Int32Array.from([0]), 2), ShapeMismatchError);
  assert.throws(() => cal.fit(new Float64Array(0), new Int32Array(0), 2), /no samples/);
  const w = new TemperatureScaling().fit(Float64Array.from([2, 0, 0, 0, 1, 0]), Int32Array.from([0, 0]), 3).report!
    .warnings;
  assert.ok(w.some((m) => /classes 1, 2 never occur in the 2 fitting samples/.test(m)));
});
