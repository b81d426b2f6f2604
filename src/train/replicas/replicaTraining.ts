import * as tf from '@tensorflow/tfjs';
import type { ReplicaPool } from './replicaPool';
import { dropoutMultipliers } from './dropoutMultipliers';
import { decayedKernelMask, trainableVariables } from '../modelVariables';
import type { BatchForward } from '../evaluate';
import type { TrainConfig, TrainStep } from '../trainer';

/**
 * A training step whose gradient the replicas compute, shard by shard, and whose Adam update the
 * main thread applies once to its own weights (then publishes them). One update in one place keeps
 * the optimizer state, checkpoints and resume exactly as in a one-thread run; the alternative —
 * every replica applying the same update — would need N copies of Adam's moments kept in lockstep
 * and a way to checkpoint them.
 */
export function replicaTrainStep(pool: ReplicaPool, model: tf.LayersModel, optimizer: tf.Optimizer, config: TrainConfig, numClasses: number): TrainStep {
  const vars = trainableVariables(model);
  const isKernel = decayedKernelMask(model);
  return async (x, labels, step) => {
    const B = labels.length;
    const multipliers = dropoutMultipliers(pool.dropout, B, config.seed, step);
    const shape = x.shape as [number, number, number, number];
    const { gradient, lossSums } = await pool.gradients(x.dataSync() as Float32Array, shape, labels, numClasses, multipliers, config.lossWeights);
    const { offsets, sizes, shapes } = pool.layout;
    tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      vars.forEach((v, i) => {
        const g = tf.tensor(gradient.subarray(offsets[i], offsets[i] + sizes[i]), shapes[i]);
        // d/dW of weightDecay/2·‖W‖² (the one-thread loss adds it to the batch loss).
        named[v.name] = config.weightDecay > 0 && isKernel[i] ? tf.add(g, tf.mul(v, config.weightDecay)) : g;
      });
      optimizer.applyGradients(named);
    });
    pool.publishWeights(model);
    return lossSums.map((s) => s / B);
  };
}

/** Inference through the replicas (their weights are the ones last published). */
export function replicaForward(pool: ReplicaPool): BatchForward {
  return (x) => pool.predict(x.dataSync() as Float32Array, x.shape as [number, number, number, number]);
}
