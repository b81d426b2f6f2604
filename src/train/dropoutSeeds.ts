import type * as tf from '@tensorflow/tfjs';
import { hashSeed } from '../util/rng';

/** Seed of the Dropout layer at `layerIndex` for the Adam step `step` of a run seeded `seed`. */
export function dropoutSeed(seed: number, step: number, layerIndex: number): number {
  return hashSeed(seed * 1_000_003 + step * 131 + layerIndex) % 2147483647;
}

/**
 * Dropout masks must be reproducible for exact resume, but tfjs's Dropout draws from an unseeded
 * global generator unless its `seed` is set, and a fixed seed would repeat the same mask. So each
 * step gives every Dropout layer a seed derived from (run seed, global step, layer).
 */
export function setDropoutSeeds(model: tf.LayersModel, seed: number, step: number): void {
  model.layers.forEach((layer, i) => {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed?: number }).seed = dropoutSeed(seed, step, i);
  });
}
