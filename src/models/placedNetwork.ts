import * as tf from '@tensorflow/tfjs';
import { layerMacs } from './exitCosts';
import { buildEarlyExitNetwork, type Block, type EarlyExitNetwork, type EarlyExitSpec, type Head } from './earlyExitNetwork';
import { placeExits, type PlacementRule } from './exitPlacement';

/** A backbone whose side branches are placed automatically by compute fraction. */
export interface PlacedSpec {
  name: string;
  inputShape: [number, number, number];
  numClasses: number;
  /** The backbone as candidate blocks: a branch may attach after any block but the last. */
  blocks: Block[];
  numBranches: number;
  rule: PlacementRule;
  /** Head used for every side branch (called once per branch, so it must create fresh layers). */
  branchHead: Head;
  finalHead: Head;
}

/**
 * Cumulative MACs of the backbone after each block, measured on a throwaway model of the trunk
 * (the blocks are called once for it; their layers are discarded).
 */
export function cumulativeBlockMacs(spec: Pick<PlacedSpec, 'inputShape' | 'blocks'>): number[] {
  const input = tf.input({ shape: spec.inputShape });
  const cumulative: number[] = [];
  let x = input;
  let total = 0;
  const seen = new Set<tf.layers.Layer>();
  for (const block of spec.blocks) {
    x = block(x);
    const probe = tf.model({ inputs: input, outputs: x });
    for (const layer of probe.layers) {
      if (seen.has(layer)) continue;
      seen.add(layer);
      total += layerMacs(layer);
    }
    cumulative.push(total);
  }
  return cumulative;
}

/**
 * The authors' `Early_Exit_DNN(distribution=…)` for any backbone (docs/paper-notes.md#exit-placement): count the
 * backbone's MACs after each candidate block, place the branches by the linear or Pareto rule, and
 * build the network with one named output per exit. Returns the chosen blocks too.
 */
export function buildPlacedNetwork(spec: PlacedSpec): EarlyExitNetwork & { branchAfterBlocks: number[]; cumulativeMacs: number[] } {
  const cumulativeMacs = cumulativeBlockMacs(spec);
  const branchAfterBlocks = placeExits(cumulativeMacs, spec.numBranches, spec.rule);
  const full: EarlyExitSpec = {
    name: spec.name, inputShape: spec.inputShape, numClasses: spec.numClasses, stages: spec.blocks,
    branches: branchAfterBlocks.map((afterStage) => ({ afterStage, head: spec.branchHead })),
    finalHead: spec.finalHead,
  };
  return { ...buildEarlyExitNetwork(full), branchAfterBlocks, cumulativeMacs };
}
