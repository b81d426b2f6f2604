import type * as tf from '@tensorflow/tfjs';

/** The model's trainable variables, in `trainableWeights` order (the order replicas lay gradients out in). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

/**
 * Which trainable weights the L2 penalty (`weightDecay`) applies to: kernels, not biases. One rule
 * for the one-thread loss and the replicas' gradient, so both penalise the same weights.
 */
export function decayedKernelMask(model: tf.LayersModel): boolean[] {
  return model.trainableWeights.map((w) => /kernel/.test(w.name));
}
