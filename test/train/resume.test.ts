import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildEarlyExitNetwork } from '../../src/models/earlyExitNetwork';
import { initialState, trainEarlyExit, type TrainConfig } from '../../src/train/trainer';
import { saveCheckpoint, loadCheckpoint } from '../../src/train/checkpoint';
import { syntheticData, tinySpec } from './tinyNetwork';

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
  const data = syntheticData(40, true);
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
