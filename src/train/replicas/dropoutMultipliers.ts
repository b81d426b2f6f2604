import * as tf from '@tensorflow/tfjs';
import { dropoutSeed } from '../dropoutSeeds';
import { ConfigError } from '../../errors';

/** A Dropout layer of a model: its index in `model.layers`, rate and units per sample. */
export interface DropoutSite {
  layerIndex: number;
  rate: number;
  /** Elements per sample of the layer's input (its noise shape without the batch axis). */
  units: number;
}

export function dropoutSites(model: tf.LayersModel): DropoutSite[] {
  const sites: DropoutSite[] = [];
  model.layers.forEach((layer, layerIndex) => {
    if (layer.getClassName() !== 'Dropout') return;
    const cfg = layer.getConfig() as { rate: number; noiseShape?: unknown };
    if (cfg.noiseShape != null) throw new ConfigError(`layer ${layer.name}: Dropout with a noiseShape is not supported by worker replicas`);
    const shape = layer.outputShape as Array<number | null>;
    sites.push({ layerIndex, rate: cfg.rate, units: shape.slice(1).reduce<number>((a, d) => a * (d as number), 1) });
  });
  return sites;
}

/**
 * The dropout multipliers the whole batch gets at `step`, exactly as tfjs's Dropout computes them
 * with the seed `setDropoutSeeds` gives it: floor(U[0,1) + keep) / keep over the full [batch, units]
 * shape. Replicas receive their rows of these, so a batch split across workers drops the same units
 * of the same samples as the one-thread run — the split does not change the math.
 */
export function dropoutMultipliers(sites: DropoutSite[], batch: number, seed: number, step: number): Float32Array[] {
  return sites.map((s) => tf.tidy(() => {
    const keep = 1 - s.rate;
    const u = tf.randomUniform([batch, s.units], 0, 1, 'float32', dropoutSeed(seed, step, s.layerIndex));
    return tf.div(tf.floor(tf.add(u, keep)), keep).dataSync() as Float32Array;
  }));
}
