import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildEarlyExitNetwork, seededInit, type EarlyExitSpec } from '../../src/models/earlyExitNetwork';
import { initialState, trainEarlyExit, type TrainConfig } from '../../src/train/trainer';
import { saveCheckpoint, loadCheckpoint } from '../../src/train/checkpoint';
import type { TrainingData } from '../../src/train/trainingData';
import { createRng } from '../../src/util/rng';

/** A tiny two-exit network with dropout, so the test also covers reproducible dropout masks. */
function tinySpec(seed: number): EarlyExitSpec {
  let li = 0;
  return {
    name: 'tiny',
    inputShape: [8, 8, 1],
    numClasses: 3,
    stages: [
      (x) =>
        tf.layers
          .conv2d({
            filters: 4,
            kernelSize: 3,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: seededInit(seed, li++),
          })
          .apply(x) as tf.SymbolicTensor,
      (x) => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor,
    ],
    branches: [
      {
        afterStage: 0,
        head: (x, C, name) =>
          tf.layers
            .dense({ units: C, name, kernelInitializer: seededInit(seed, li++) })
            .apply(tf.layers.flatten().apply(x)) as tf.SymbolicTensor,
      },
    ],
    finalHead: (x, C, name) => {
      const f = tf.layers.dropout({ rate: 0.5 }).apply(tf.layers.flatten().apply(x)) as tf.SymbolicTensor;
      return tf.layers
        .dense({ units: C, name, kernelInitializer: seededInit(seed, li++) })
        .apply(f) as tf.SymbolicTensor;
    },
  };
}

function syntheticData(n: number): TrainingData {
  const rng = createRng(99);
  const xs = new Float32Array(n * 64).map(() => rng.normal());
  const ys = new Int32Array(n).map(() => rng.int(3));
  return {
    numClasses: 3,
    size: (split) => (split === 'train' ? n : 16),
    batch: (_split, pos, aug) => {
      const x = new Float32Array(pos.length * 64);
      pos.forEach((p, i) => x.set(xs.subarray(p * 64, p * 64 + 64), i * 64));
      // Use the augmentation RNG so the test covers its checkpointed state.
      if (aug) for (let i = 0; i < x.length; i += 7) x[i] += aug.normal() * 0.1;
      return { x: tf.tensor4d(x, [pos.length, 8, 8, 1]), labels: ys.slice(0, pos.length).map((_, i) => ys[pos[i]]) };
    },
  };
}

const config: TrainConfig = {
  epochs: 3,
  batchSize: 8,
  learningRate: 0.01,
  lrSchedule: 'cosine',
  weightDecay: 1e-3,
  lossWeights: [0.5, 1],
  augment: true,
  seed: 5,
  patience: null,
  checkpointEveryMinutes: 1e9,
  keep: 'best',
  recipe: null,
};

test('interrupted-then-resumed training ends with exactly the same weights (cpu backend)', async () => {
  await tf.setBackend('cpu');
  const data = syntheticData(40);
  const noHooks = { checkpoint: async () => {}, epochEnd: async () => {} };

  const a = buildEarlyExitNetwork(tinySpec(1));
  const optA = tf.train.adam(config.learningRate);
  assert.equal(await trainEarlyExit(a.model, optA, data, config, initialState(config, 2), noHooks), 'completed');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-resume-'));
  const b = buildEarlyExitNetwork(tinySpec(1));
  const optB = tf.train.adam(config.learningRate);
  let batches = 0;
  const outcome = await trainEarlyExit(b.model, optB, data, config, initialState(config, 2), {
    checkpoint: (s) => saveCheckpoint(dir, b.model, optB, s),
    epochEnd: async () => {},
    shouldStop: () => ++batches === 8, // mid-way through epoch 2 (5 batches per epoch)
  });
  assert.equal(outcome, 'interrupted');

  const c = buildEarlyExitNetwork(tinySpec(2)); // different init: everything must come from the checkpoint
  const optC = tf.train.adam(config.learningRate);
  const state = await loadCheckpoint(dir, c.model, optC);
  assert.equal(state.epoch, 1);
  assert.equal(state.batch, 2); // the 6th poll is the end-of-epoch check
  assert.equal(await trainEarlyExit(c.model, optC, data, config, state, noHooks), 'completed');

  const wa = a.model.getWeights().map((w) => Array.from(w.dataSync()));
  const wc = c.model.getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(wc, wa);
  assert.equal(state.history.length, 3);
  for (const m of [a, b, c]) m.model.dispose();
  for (const o of [optA, optB, optC]) o.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});
