import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from '../../src/backend/kernels';
import { buildEarlyExitNetwork } from '../../src/models/earlyExitNetwork';
import { initialState, trainEarlyExit, type TrainConfig } from '../../src/train/trainer';
import { saveCheckpoint, loadCheckpoint } from '../../src/train/checkpoint';
import { ReplicaPool } from '../../src/train/replicas/replicaPool';
import { replicaEngine } from '../../src/train/replicas/replicaTraining';
import { syntheticData, tinySpec } from './tinyNetwork';
import { loadNativeBlas } from '../../src/backend/nativeBlas';

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
