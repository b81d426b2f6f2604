import type * as tf from '@tensorflow/tfjs';
import { trainableVariables } from '../modelVariables';

/**
 * Where each trainable weight lives in one flat Float32Array: gradients and weights cross between
 * threads as one shared buffer each, and both sides index it by position in `trainableWeights`
 * (variable names differ between threads: tfjs suffixes them per engine).
 */
export interface WeightLayout {
  shapes: number[][];
  offsets: number[];
  sizes: number[];
  total: number;
}

export function weightLayout(model: tf.LayersModel): WeightLayout {
  const shapes = model.trainableWeights.map((w) => w.shape.map((d) => d as number));
  const sizes = shapes.map((s) => s.reduce((a, d) => a * d, 1));
  const offsets: number[] = [];
  let total = 0;
  for (const size of sizes) {
    offsets.push(total);
    total += size;
  }
  return { shapes, offsets, sizes, total };
}

/** Copy the model's trainable weights into `into` (layout order). */
export function readWeightsInto(model: tf.LayersModel, layout: WeightLayout, into: Float32Array): void {
  trainableVariables(model).forEach((v, i) => into.set(v.dataSync() as Float32Array, layout.offsets[i]));
}
