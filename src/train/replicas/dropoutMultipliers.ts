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
    if (cfg.noiseShape != null)
      throw new ConfigError(`layer ${layer.name}: Dropout with a noiseShape is not supported by worker replicas`);
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
 *
 * The uniforms come from tf.randomUniform itself (its seeded generator is the one Dropout uses);
 * the rest is one loop instead of three tensor ops, with the sum rounded to float32 before the
 * floor as the tensor add rounds it, so the multipliers are the same bytes.
 */
export function dropoutMultipliers(sites: DropoutSite[], batch: number, seed: number, step: number): Float32Array[] {
  return sites.map((s) => {
    const t = tf.randomUniform([batch, s.units], 0, 1, 'float32', dropoutSeed(seed, step, s.layerIndex));
    const u = t.dataSync() as Float32Array;
    t.dispose();
    return multipliersOf(u, s.rate);
  });
}

/** floor(u + keep) / keep per uniform, in float32 as tfjs's tensor ops compute it (keep = 1 − rate). */
export function multipliersOf(u: Float32Array, rate: number): Float32Array {
  const keep = Math.fround(1 - rate);
  const out = new Float32Array(u.length);
  // Math.fround before the floor: a sum just below 1 rounds up to 1 in float32, and keeps the unit.
  for (let i = 0; i < u.length; i++) out[i] = Math.floor(Math.fround(u[i] + keep)) / keep;
  return out;
}
