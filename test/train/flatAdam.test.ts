import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FlatAdam } from '../../src/train/replicas/flatAdam';
import type { WeightLayout } from '../../src/train/replicas/weightLayout';
import { createRng } from '../../src/util/rng';
import { loadNativeBlas, type NativeBlas } from '../../src/backend/nativeBlas';

const native = loadNativeBlas().loaded;
const nativeAdam = native?.adamUpdate ? native : null;

const shapes = [[3, 3, 2, 4], [4], [40, 10], [10]];
const decayed = [true, false, true, false];
const weightDecay = 5e-4;
const lrs = [1e-3, 1e-3, 3e-4, 1e-2, 2e-3, 1e-3];

function layoutOf(s: number[][]): WeightLayout {
  const sizes = s.map((d) => d.reduce((a, x) => a * x, 1));
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, x) => a + x, 0));
  return { shapes: s, offsets, sizes, total: sizes.reduce((a, x) => a + x, 0) };
}

/** Flat gradients for `steps` steps, with magnitudes from 1e-9 to 1e1 so rounding edges show. */
function gradients(total: number, steps: number): Float32Array[] {
  const rng = createRng(21);
  return Array.from({ length: steps }, () => new Float32Array(total).map(() => rng.normal() * 10 ** (rng.int(11) - 9)));
}

/** Steps [from, to) of tfjs's own Adam, with the L2 term added as the replica step adds it. */
function tfjsSteps(
  opt: tf.Optimizer,
  vars: tf.Variable[],
  layout: WeightLayout,
  grads: Float32Array[],
  from: number,
  to: number,
): void {
  for (let s = from; s < to; s++) {
    (opt as unknown as { learningRate: number }).learningRate = lrs[s];
    tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      vars.forEach((v, i) => {
        const g = tf.tensor(
          grads[s].subarray(layout.offsets[i], layout.offsets[i] + layout.sizes[i]),
          layout.shapes[i],
        );
        named[v.name] = decayed[i] ? tf.add(g, tf.mul(v, weightDecay)) : g;
      });
      opt.applyGradients(named);
    });
  }
}

function flatSteps(
  adam: FlatAdam,
  opt: tf.Optimizer,
  w: Float32Array,
  grads: Float32Array[],
  from: number,
  to: number,
): void {
  for (let s = from; s < to; s++) {
    (opt as unknown as { learningRate: number }).learningRate = lrs[s];
    adam.step(w, grads[s], decayed, weightDecay);
  }
}

function initialWeights(layout: WeightLayout): Float32Array {
  const rng = createRng(5);
  return new Float32Array(layout.total).map(() => rng.normal() * 0.1);
}
const varsOf = (w: Float32Array, layout: WeightLayout) =>
  layout.shapes.map((s, i) =>
    tf.variable(tf.tensor(w.slice(layout.offsets[i], layout.offsets[i] + layout.sizes[i]), s)),
  );
const flatOf = (vars: tf.Variable[]) => Float32Array.from(vars.flatMap((v) => Array.from(v.dataSync())));

/** Largest |a−b| / max(|b|, 1e-30) over the elements. */
function maxRel(a: Float32Array, b: Float32Array): number {
  let r = 0;
  for (let i = 0; i < a.length; i++) r = Math.max(r, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-30));
  return r;
}

async function matchesTfjs(kernels: NativeBlas | null): Promise<void> {
  await tf.setBackend('cpu');
  const layout = layoutOf(shapes);
  const grads = gradients(layout.total, lrs.length);
  const w0 = initialWeights(layout);
  const ref = varsOf(w0, layout);
  const refOpt = tf.train.adam(lrs[0]);
  const mine = tf.train.adam(lrs[0]);
  const w = w0.slice();
  const adam = new FlatAdam(mine, varsOf(w0, layout), layout, kernels);
  for (let s = 0; s < lrs.length; s++) {
    tfjsSteps(refOpt, ref, layout, grads, s, s + 1);
    flatSteps(adam, mine, w, grads, s, s + 1);
    const want = flatOf(ref);
    assert.ok(maxRel(w, want) <= 1e-6, `step ${s}: max relative difference ${maxRel(w, want)}`);
    assert.deepEqual(Array.from(w), Array.from(want), `step ${s}: weights not bit-identical`);
  }
  // The moments, β products and iteration count written back are what tfjs's optimizer holds.
  adam.writeBack();
  const a = await refOpt.getWeights();
  const b = await mine.getWeights();
  assert.equal(b.length, a.length);
  assert.deepEqual(
    b.map((n) => n.name.replace(/^.*\//, '')),
    a.map((n) => n.name.replace(/^.*\//, '')),
  );
  a.forEach((n, i) => assert.deepEqual(Array.from(b[i].tensor.dataSync()), Array.from(n.tensor.dataSync()), n.name));
  const acc = (o: tf.Optimizer) =>
    ['accBeta1', 'accBeta2'].map((k) => (o as unknown as Record<string, tf.Variable>)[k].dataSync()[0]);
  assert.deepEqual(acc(mine), acc(refOpt));
  assert.equal(b[0].tensor.dataSync()[0], lrs.length);
  // Writing back again (every checkpoint does) reuses the moment variables: no tensor is left behind.
  tf.dispose(
    a
      .concat(b)
      .filter((n) => n.name === 'iter')
      .map((n) => n.tensor),
  );
  const before = tf.memory().numTensors;
  flatSteps(adam, mine, w, grads, 0, 1);
  adam.writeBack();
  assert.equal(tf.memory().numTensors, before);
}

for (const [name, kernels] of [
  ['JavaScript', null],
  ['native', nativeAdam],
] as const) {
  test(
    `FlatAdam (${name} loop) gives the weights and moments of tfjs Adam (cpu backend) at every one of 6 steps, bit for bit`,
    { skip: name === 'native' && !nativeAdam ? 'native kernels (with adamUpdate) not built' : false },
    () => matchesTfjs(kernels),
  );
}

test('FlatAdam resumes from a tfjs Adam that has state: written back after 3 steps, read by a new mirror, 3 more equal 6 unbroken', async () => {
  await tf.setBackend('cpu');
  const layout = layoutOf(shapes);
  const grads = gradients(layout.total, lrs.length);
  const w0 = initialWeights(layout);
  const ref = varsOf(w0, layout);
  const refOpt = tf.train.adam(lrs[0]);
  tfjsSteps(refOpt, ref, layout, grads, 0, lrs.length);

  const opt = tf.train.adam(lrs[0]);
  const vars = varsOf(w0, layout);
  const w = w0.slice();
  const first = new FlatAdam(opt, vars, layout);
  flatSteps(first, opt, w, grads, 0, 3);
  first.writeBack();
  // Through the optimizer's own save format, as a checkpoint stores it, into a fresh optimizer.
  const saved = (await opt.getWeights()).map((n) => ({ name: n.name, tensor: tf.clone(n.tensor) }));
  const accSaved = ['accBeta1', 'accBeta2'].map(
    (k) => (opt as unknown as Record<string, tf.Variable>)[k].dataSync()[0],
  );
  const resumed = tf.train.adam(lrs[0]);
  await resumed.setWeights(saved);
  (resumed as unknown as Record<string, tf.Variable>).accBeta1.assign(tf.scalar(accSaved[0]));
  (resumed as unknown as Record<string, tf.Variable>).accBeta2.assign(tf.scalar(accSaved[1]));
  const second = new FlatAdam(resumed, vars, layout);
  flatSteps(second, resumed, w, grads, 3, lrs.length);
  assert.deepEqual(Array.from(w), Array.from(flatOf(ref)));
});

test('FlatAdam mirrors tfjs Adam and nothing else (SGD keeps the tfjs update)', () => {
  assert.equal(FlatAdam.mirrors(tf.train.adam(1e-3)), true);
  assert.equal(FlatAdam.mirrors(tf.train.sgd(0.1)), false);
  assert.equal(FlatAdam.mirrors(tf.train.adamax(1e-3)), false);
});
