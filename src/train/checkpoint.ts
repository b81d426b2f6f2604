import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { replaceDirAtomic, writeJsonAtomic } from '../util/atomicWrite';
import { loadNamedTensors, loadWeightsInto, saveModelFiles, saveNamedTensors } from './modelIO';
import { stateProblem, type TrainingState } from './trainingState';
import { DataError, FitError } from '../errors';
import { readJsonFile } from '../util/readJson';

/**
 * A checkpoint is one directory, replaced as a whole (build in a temp sibling, then rename), holding
 * the weights (tfjs format), the optimizer's moments and iteration count, and the full trainer
 * state (epoch, batch within the epoch, RNG state, history). Resuming from it continues exactly.
 */
export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: TrainingState,
): Promise<void> {
  const optWeights = await optimizer.getWeights();
  const acc = adamAccumulators(optimizer);
  if (acc) state.adamAccBeta = [acc[0].dataSync()[0], acc[1].dataSync()[0]];
  if (!state.partialLossSums.every(Number.isFinite)) {
    throw new FitError(
      `training diverged: the running training loss is ${state.partialLossSums.find((x) => !Number.isFinite(x))} at step ${state.globalStep}; checkpoint not written (try a lower --lr)`,
    );
  }
  await replaceDirAtomic(dir, async (tmp) => {
    await saveModelFiles(model, tmp);
    await saveNamedTensors(optWeights, tmp, 'optimizer');
    writeJsonAtomic(path.join(tmp, 'state.json'), state);
  });
}

export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'state.json'));
}

/** Restore weights and optimizer state in place; returns the trainer state. */
export async function loadCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
): Promise<TrainingState> {
  const statePath = path.join(dir, 'state.json');
  if (!fs.existsSync(statePath)) throw new DataError(`${statePath}: no checkpoint to resume from`);
  const state = readJsonFile(statePath, 'the trainer state of an eecal checkpoint') as TrainingState;
  if (
    !state ||
    typeof state !== 'object' ||
    !Number.isInteger(state.epoch) ||
    !Number.isInteger(state.globalStep) ||
    !state.config
  ) {
    throw new DataError(
      `${statePath}: fields "epoch", "globalStep" and "config" missing or malformed (corrupt checkpoint)`,
    );
  }
  const problem = stateProblem(state, model.outputs.length);
  if (problem) throw new DataError(`${statePath}: ${problem} (corrupt checkpoint)`);
  loadWeightsInto(model, dir);
  const named = loadNamedTensors(dir, 'optimizer');
  // Adam creates its moment variables on the first step; setWeights recreates them from the file.
  await optimizer.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
  // tfjs's Adam.setWeights recomputes β^(t+1) with pow, while an unbroken run multiplies by β each
  // step; in float32 the two differ in the last bit at some steps, so a resume would drift. Restore
  // the running products saved with the checkpoint instead (float32 values are exact in JSON).
  const acc = adamAccumulators(optimizer);
  if (acc && state.adamAccBeta) {
    acc[0].assign(tf.scalar(state.adamAccBeta[0]));
    acc[1].assign(tf.scalar(state.adamAccBeta[1]));
  }
  return state;
}

/** Adam's running β₁ᵗ, β₂ᵗ variables (tfjs keeps them as fields of its AdamOptimizer), or null. */
function adamAccumulators(optimizer: tf.Optimizer): [tf.Variable, tf.Variable] | null {
  const o = optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  return o.accBeta1 instanceof tf.Variable && o.accBeta2 instanceof tf.Variable ? [o.accBeta1, o.accBeta2] : null;
}
