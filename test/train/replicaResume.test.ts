import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from '../../src/backend/kernels';
import { buildEarlyExitNetwork, seededInit, type EarlyExitSpec } from '../../src/models/earlyExitNetwork';
import { initialState, trainEarlyExit, type TrainConfig } from '../../src/train/trainer';
import { saveCheckpoint, loadCheckpoint } from '../../src/train/checkpoint';
import { ReplicaPool } from '../../src/train/replicas/replicaPool';
import { replicaEngine } from '../../src/train/replicas/replicaTraining';
import type { TrainingData } from '../../src/train/trainingData';
import { createRng } from '../../src/util/rng';
import { loadNativeBlas } from '../../src/backend/nativeBlas';

/** A tiny two-exit network with dropout and kernels (weight decay) on both exits. */
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
    batch: (_split, pos) => {
      const x = new Float32Array(pos.length * 64);
      pos.forEach((p, i) => x.set(xs.subarray(p * 64, p * 64 + 64), i * 64));
      return { x: tf.tensor4d(x, [pos.length, 8, 8, 1]), labels: ys.slice(0, pos.length).map((_, i) => ys[pos[i]]) };
    },
  };
}

const config: TrainConfig = {
  epochs: 2,
  batchSize: 8,
  learningRate: 0.01,
  lrSchedule: 'cosine',
  weightDecay: 1e-3,
  lossWeights: [0.5, 1],
  augment: false,
  seed: 5,
  patience: null,
  checkpointEveryMinutes: 1e9,
  keep: 'last',
  recipe: null,
};

/** Train `model` on 2 wasm replicas with the engine the CLI uses (flat Adam, synced at checkpoints). */
async function onReplicas<T>(
  model: tf.LayersModel,
  run: (engine: ReturnType<typeof replicaEngine>) => Promise<T>,
  optimizer: tf.Optimizer,
): Promise<T> {
  const pool = await ReplicaPool.start(model, 'wasm', 2);
  try {
    return await run(replicaEngine(pool, model, optimizer, config, 3));
  } finally {
    await pool.close();
  }
}

const nativeBuilt = loadNativeBlas().loaded?.adamUpdate !== undefined;

for (const native of [false, true]) {
  test(
    `2-replica training (${native ? 'native kernels and Adam' : 'wasm kernels, JavaScript Adam'}) interrupted, checkpointed and resumed ends with the weights of an unbroken run, bit for bit`,
    { skip: native && !nativeBuilt ? 'native kernels (with adamUpdate) not built' : false },
    async () => {
      const saved = process.env.EECAL_NATIVE;
      if (!native) process.env.EECAL_NATIVE = '0';
      registerWasmTrainingKernels({ native });
      await tf.setBackend('wasm');
      const data = syntheticData(40);
      const noHooks = { checkpoint: async () => {}, epochEnd: async () => {} };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-replica-resume-'));
      try {
        const a = buildEarlyExitNetwork(tinySpec(1)).model;
        const optA = tf.train.adam(config.learningRate);
        assert.equal(
          await onReplicas(a, (e) => trainEarlyExit(a, optA, data, config, initialState(config, 2), noHooks, e), optA),
          'completed',
        );

        const b = buildEarlyExitNetwork(tinySpec(1)).model;
        const optB = tf.train.adam(config.learningRate);
        let polls = 0;
        const outcome = await onReplicas(
          b,
          (e) =>
            trainEarlyExit(
              b,
              optB,
              data,
              config,
              initialState(config, 2),
              {
                checkpoint: (s) => saveCheckpoint(dir, b, optB, s),
                epochEnd: async () => {},
                shouldStop: () => ++polls === 8, // mid-way through epoch 2 (5 batches per epoch)
              },
              e,
            ),
          optB,
        );
        assert.equal(outcome, 'interrupted');

        const c = buildEarlyExitNetwork(tinySpec(2)).model; // another init: everything must come from the checkpoint
        const optC = tf.train.adam(config.learningRate);
        const state = await loadCheckpoint(dir, c, optC);
        assert.deepEqual([state.epoch, state.batch, state.globalStep], [1, 2, 7]);
        assert.equal(
          await onReplicas(c, (e) => trainEarlyExit(c, optC, data, config, state, noHooks, e), optC),
          'completed',
        );

        const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
        assert.deepEqual(weights(c), weights(a));
        // The optimizer state a checkpoint of the unbroken run would save equals the resumed run's.
        const [ea, ec] = [optA, optC].map((o) => (o as unknown as { iterations: number }).iterations);
        assert.equal(ea, 10);
        assert.equal(ec, 10);
        for (const m of [a, b, c]) m.dispose();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        if (saved === undefined) delete process.env.EECAL_NATIVE;
        else process.env.EECAL_NATIVE = saved;
      }
    },
  );
}
