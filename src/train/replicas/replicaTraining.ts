import * as tf from '@tensorflow/tfjs';
import type { ReplicaPool } from './replicaPool';
import { dropoutMultipliers } from './dropoutMultipliers';
import { FlatAdam } from './flatAdam';
import { readWeightsInto } from './weightLayout';
import { loadNativeBlas } from '../../backend/nativeBlas';
import { decayedKernelMask, trainableVariables } from '../modelVariables';
import type { BatchForward } from '../evaluate';
import type { TrainConfig, TrainEngine, TrainStep } from '../trainer';

export interface ReplicaEngineOptions {
  /** false: apply even an Adam through tfjs's optimizer, as for other optimizers (benches compare the two). */
  flatAdam?: boolean;
}

/**
 * Training steps whose gradient the replicas compute, shard by shard, and whose Adam update the
 * main thread applies once to its own weights (then publishes them). One update in one place keeps
 * the optimizer state, checkpoints and resume exactly as in a one-thread run; the alternative —
 * every replica applying the same update — would need N copies of Adam's moments kept in lockstep
 * and a way to checkpoint them.
 *
 * With a tfjs Adam the update runs as one flat pass (FlatAdam) over the summed gradient; its
 * moments reach the tfjs optimizer in `sync`, which the trainer calls before every checkpoint.
 * The model's weights are updated every step, so anything reading the model sees the current ones.
 */
export function replicaEngine(
  pool: ReplicaPool,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  config: TrainConfig,
  numClasses: number,
  options: ReplicaEngineOptions = {},
): TrainEngine {
  const vars = trainableVariables(model);
  const isKernel = decayedKernelMask(model);
  const { offsets, sizes, shapes, total } = pool.layout;
  // Created at the first step, so it starts from whatever state a resume loaded before that.
  let adam: { flat: FlatAdam; weights: Float32Array } | null = null;

  const tfjsUpdate = (gradient: Float32Array) =>
    tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      vars.forEach((v, i) => {
        const g = tf.tensor(gradient.subarray(offsets[i], offsets[i] + sizes[i]), shapes[i]);
        // d/dW of weightDecay/2·‖W‖² (the one-thread loss adds it to the batch loss).
        named[v.name] = config.weightDecay > 0 && isKernel[i] ? tf.add(g, tf.mul(v, config.weightDecay)) : g;
      });
      optimizer.applyGradients(named);
    });

  const step: TrainStep = async (x, labels, stepIndex) => {
    const B = labels.length;
    const multipliers = dropoutMultipliers(pool.dropout, B, config.seed, stepIndex);
    const shape = x.shape as [number, number, number, number];
    const { gradient, lossSums } = await pool.gradients(
      x.dataSync() as Float32Array,
      shape,
      labels,
      numClasses,
      multipliers,
      config.lossWeights,
    );
    if (options.flatAdam !== false && FlatAdam.mirrors(optimizer)) {
      if (!adam) {
        const weights = new Float32Array(total);
        readWeightsInto(model, pool.layout, weights);
        adam = { flat: new FlatAdam(optimizer, vars, pool.layout, loadNativeBlas().loaded), weights };
      }
      adam.flat.step(adam.weights, gradient, isKernel, config.weightDecay);
      const w = adam.weights;
      vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(w.slice(offsets[i], offsets[i] + sizes[i]), shapes[i]))));
      pool.publishFlatWeights(w);
    } else {
      tfjsUpdate(gradient);
      pool.publishWeights(model);
    }
    return lossSums.map((s) => s / B);
  };

  return { step, forward: replicaForward(pool), sync: () => adam?.flat.writeBack() };
}

/** The step alone (benches and tests that never checkpoint; a checkpointing caller needs `replicaEngine`'s sync). */
export function replicaTrainStep(
  pool: ReplicaPool,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  config: TrainConfig,
  numClasses: number,
): TrainStep {
  return replicaEngine(pool, model, optimizer, config, numClasses).step;
}

/** Inference through the replicas (their weights are the ones last published). */
export function replicaForward(pool: ReplicaPool): BatchForward {
  return (x) => pool.predict(x.dataSync() as Float32Array, x.shape as [number, number, number, number]);
}
