import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors';

/** A piece of the trunk or of a head, applied to a symbolic tensor. */
export type Block = (x: tf.SymbolicTensor) => tf.SymbolicTensor;

/** A classifier head: maps the tensor where it attaches to logits, naming its last layer `outputName`. */
export type Head = (x: tf.SymbolicTensor, numClasses: number, outputName: string) => tf.SymbolicTensor;

/**
 * A backbone given as consecutive stages with side-branch heads after chosen stages. The exits are
 * the side branches (in trunk order) followed by the final head after the last stage.
 */
export interface EarlyExitSpec {
  /** Architecture id, e.g. "b-alexnet". */
  name: string;
  /** Input shape (H, W, C), NHWC. */
  inputShape: [number, number, number];
  numClasses: number;
  stages: Block[];
  /** Side branches: `afterStage` is the 0-based stage whose output feeds the head. */
  branches: Array<{ afterStage: number; head: Head }>;
  finalHead: Head;
}

/** A built early-exit network: one named logit output per exit. */
export interface EarlyExitNetwork {
  spec: EarlyExitSpec;
  model: tf.LayersModel;
  /** Output names in exit order: branch1, branch2, …, final. */
  exitNames: string[];
  /**
   * Per side branch, the trunk tensor at its attachment point: what the device sends to the cloud
   * when the model is split there (the remaining trunk continues from it).
   */
  splitTensors: tf.SymbolicTensor[];
}

/**
 * Build a tfjs LayersModel from a spec. Neither compiles nor logs (training is done by src/train).
 * Layers must be created inside the blocks, so building twice gives two independent models.
 */
export function buildEarlyExitNetwork(spec: EarlyExitSpec): EarlyExitNetwork {
  const S = spec.stages.length;
  const sorted = [...spec.branches].sort((a, b) => a.afterStage - b.afterStage);
  for (const b of sorted) {
    if (!Number.isInteger(b.afterStage) || b.afterStage < 0 || b.afterStage >= S - 1) {
      throw new ConfigError(`${spec.name}: branch afterStage ${b.afterStage} must be an integer in [0, ${S - 2}]`);
    }
  }
  const input = tf.input({ shape: spec.inputShape, name: 'input' });
  const stageOutputs: tf.SymbolicTensor[] = [];
  let x = input;
  for (const stage of spec.stages) {
    x = stage(x);
    stageOutputs.push(x);
  }
  const exitNames = sorted.map((_, i) => `branch${i + 1}`).concat('final');
  const splitTensors = sorted.map((b) => stageOutputs[b.afterStage]);
  const outputs = sorted.map((b, i) => b.head(stageOutputs[b.afterStage], spec.numClasses, exitNames[i]));
  outputs.push(spec.finalHead(x, spec.numClasses, 'final'));
  const model = tf.model({ inputs: input, outputs, name: spec.name.replace(/[^A-Za-z0-9_]/g, '_') });
  return { spec, model, exitNames, splitTensors };
}

/**
 * Seeded Glorot-uniform initialiser: every layer gets its own seed derived from the network seed,
 * so two builds with the same seed start from identical weights (needed for exact resume tests).
 */
export function seededInit(seed: number, layerIndex: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: seed * 1000 + layerIndex });
}
