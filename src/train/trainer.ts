import * as tf from '@tensorflow/tfjs';
import { createRng, hashSeed, permutation } from '../util/rng';
import { setDropoutSeeds } from './dropoutSeeds';
import { decayedKernelMask, trainableVariables } from './modelVariables';
import type { TrainingData } from './trainingData';
import type { EpochLog, TrainingState } from './trainingState';
import { evaluateSplit, type BatchForward, type SplitEvaluation } from './evaluate';
import { ReplicaError } from '../errors';
import { ProgressBar } from './progress';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** constant, or cosine decay to 0 over all epochs (per step). */
  lrSchedule: 'constant' | 'cosine';
  /** L2 penalty coefficient on kernels: loss += weightDecay/2 · Σ‖W‖². */
  weightDecay: number;
  lossWeights: number[];
  augment: boolean;
  seed: number;
  /** Stop after this many epochs without a lower validation loss; null = never. */
  patience: number | null;
  /** Also checkpoint mid-epoch this often (minutes), so a killed run loses little. */
  checkpointEveryMinutes: number;
  /** Which weights the model folder holds: the last epoch's, or those of the best validation loss. */
  keep: 'last' | 'best';
  /** Named recipe the options came from (e.g. 'branchynet'), or null for hand-set options. */
  recipe: string | null;
}

/** Hooks the trainer calls; the CLI writes files in them, tests inspect. */
export interface TrainHooks {
  /** Persist a checkpoint of the current state (mid-epoch or at an epoch end). */
  checkpoint(state: TrainingState): Promise<void>;
  /**
   * Called after each epoch with the log row, the validation logits it was computed from (so a hook
   * can track calibration without a second pass) and `improved` when validation loss hit a new best.
   */
  epochEnd(log: EpochLog, state: TrainingState, improved: boolean, val: SplitEvaluation): Promise<void>;
  /** Polled after every batch: true requests a clean stop (checkpoint, then return). */
  shouldStop?(): boolean;
  progress?: ProgressBar;
}

export type TrainOutcome = 'completed' | 'early-stopped' | 'interrupted';

export function initialState(config: TrainConfig, numExits: number): TrainingState {
  return {
    epoch: 0,
    batch: 0,
    globalStep: 0,
    rngState: null,
    partialLossSums: new Array(numExits).fill(0),
    partialSamples: 0,
    partialSeconds: 0,
    history: [],
    bestValLoss: null,
    bestEpoch: null,
    epochsWithoutImprovement: 0,
    config: { ...config },
  };
}

/** Learning rate at a global step. */
export function learningRateAt(config: TrainConfig, step: number, stepsPerEpoch: number): number {
  if (config.lrSchedule === 'constant') return config.learningRate;
  const total = config.epochs * stepsPerEpoch;
  return 0.5 * config.learningRate * (1 + Math.cos((Math.PI * Math.min(step, total)) / total));
}

/** One Adam step of the joint loss on a batch at global step `step`; resolves to each exit's mean CE. */
export type TrainStep = (x: tf.Tensor4D, labels: Int32Array, step: number) => Promise<number[]>;

/**
 * Where the steps and the evaluation forward passes run: in this thread (default) or on worker
 * replicas (`replicas/replicaTraining.ts`). Both compute the same math.
 */
export interface TrainEngine {
  step: TrainStep;
  forward?: BatchForward;
  /** Store optimizer state the engine keeps outside tfjs into the optimizer (before a checkpoint reads it). */
  sync?(): void;
}

/** The one-thread engine: tfjs autodiff and Adam on `model` itself. */
export function localEngine(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  config: TrainConfig,
  numClasses: number,
): TrainEngine {
  const vars = trainableVariables(model);
  const decayed = decayedKernelMask(model);
  const kernels = vars.filter((_, i) => decayed[i]);
  return {
    step: async (x, labels, step) => {
      setDropoutSeeds(model, config.seed, step);
      return trainStep(model, optimizer, x, labels, numClasses, config, vars, kernels);
    },
  };
}

/** One optimisation step of the joint loss; returns per-exit mean CE of the batch. */
function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor4D,
  labels: Int32Array,
  numClasses: number,
  config: TrainConfig,
  vars: tf.Variable[],
  kernels: tf.Variable[],
): number[] {
  const numExits = config.lossWeights.length;
  let perExit: tf.Tensor1D | null = null;
  const cost = optimizer.minimize(
    () => {
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses);
      const outs = model.apply(x, { training: true }) as tf.Tensor[];
      const ces = outs.map((o) => tf.losses.softmaxCrossEntropy(y, o) as tf.Scalar);
      perExit = tf.keep(tf.stack(ces) as tf.Tensor1D);
      let total = tf.addN(ces.map((c, e) => c.mul(config.lossWeights[e]))) as tf.Scalar;
      if (config.weightDecay > 0)
        total = total.add(tf.addN(kernels.map((k) => k.square().sum())).mul(config.weightDecay / 2));
      return total as tf.Scalar;
    },
    true,
    vars,
  );
  const values = Array.from((perExit as unknown as tf.Tensor1D).dataSync()).slice(0, numExits);
  tf.dispose([cost!, perExit as unknown as tf.Tensor]);
  return values;
}

/**
 * BranchyNet joint training: minimise Σ wᵢ·CEᵢ over all exits with Adam. Continues from `state`
 * (epoch and batch within the epoch), so an interrupted run resumed from its checkpoint takes
 * exactly the same steps as an uninterrupted one.
 */
export async function trainEarlyExit(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  data: TrainingData,
  config: TrainConfig,
  state: TrainingState,
  hooks: TrainHooks,
  engine: TrainEngine = localEngine(model, optimizer, config, data.numClasses),
): Promise<TrainOutcome> {
  const n = data.size('train');
  const B = config.batchSize;
  const batches = Math.ceil(n / B);
  const numExits = config.lossWeights.length;
  let lastCheckpoint = Date.now();
  const runStart = Date.now();
  const stepsAtStart = state.globalStep;
  const checkpoint = (s: TrainingState): Promise<void> => {
    engine.sync?.();
    return hooks.checkpoint(s);
  };
  while (state.epoch < config.epochs) {
    const epoch = state.epoch;
    // Epoch order depends only on (seed, epoch): recomputed on resume instead of stored.
    const order = permutation(n, createRng(hashSeed(config.seed * 7919 + epoch)));
    const augRng = state.rngState !== null ? createRng(0, state.rngState) : createRng(config.seed * 104729 + epoch + 1);
    const epochStart = Date.now() - state.partialSeconds * 1000;
    for (let b = state.batch; b < batches; b++) {
      const pos = order.subarray(b * B, Math.min(n, (b + 1) * B));
      const lr = learningRateAt(config, state.globalStep, batches);
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const { x, labels } = data.batch('train', pos, config.augment ? augRng : undefined);
      let losses: number[];
      try {
        losses = await engine.step(x, labels, state.globalStep);
      } catch (err) {
        // A dead replica left the weights and state at the last completed step: keep that much.
        if (err instanceof ReplicaError) await checkpoint(state);
        throw err;
      } finally {
        x.dispose();
      }
      losses.forEach((l, e) => (state.partialLossSums[e] += l * pos.length));
      state.partialSamples += pos.length;
      state.batch = b + 1;
      state.globalStep++;
      state.rngState = augRng.state();
      state.partialSeconds = (Date.now() - epochStart) / 1000;
      const elapsed = (Date.now() - runStart) / 1000;
      const stepsDone = state.globalStep - stepsAtStart;
      const secPerStep = elapsed / stepsDone;
      hooks.progress?.update({
        epoch: epoch + 1,
        epochs: config.epochs,
        batch: b + 1,
        batches,
        samplesPerSec: (stepsDone * B) / elapsed,
        loss: state.partialLossSums.reduce((a, v, e) => a + v * config.lossWeights[e], 0) / state.partialSamples,
        etaEpochSec: (batches - b - 1) * secPerStep,
        etaTotalSec: ((config.epochs - epoch - 1) * batches + (batches - b - 1)) * secPerStep,
      });
      // Yield to the event loop once per batch: without it a SIGINT/SIGTERM handler never runs
      // (the loop is otherwise synchronous on wasm/cpu) and Ctrl-C would be ignored until the end.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const stop = hooks.shouldStop?.() ?? false;
      // On an epoch's last batch the epoch end below evaluates, checkpoints and then stops:
      // returning here would drop that batch's step from the checkpoint.
      if ((stop || Date.now() - lastCheckpoint > config.checkpointEveryMinutes * 60_000) && b + 1 < batches) {
        await checkpoint(state);
        lastCheckpoint = Date.now();
        if (stop) return 'interrupted';
      }
    }
    const val = await evaluateSplit(model, data, 'val', undefined, engine.forward);
    const trainLoss = state.partialLossSums.map((s) => s / state.partialSamples);
    const durationSec = (Date.now() - epochStart) / 1000;
    const valLossTotal = val.loss.reduce((a, l, e) => a + l * config.lossWeights[e], 0);
    const log: EpochLog = {
      epoch: epoch + 1,
      learningRate: learningRateAt(config, state.globalStep - 1, batches),
      trainLoss,
      trainLossTotal: trainLoss.reduce((a, l, e) => a + l * config.lossWeights[e], 0),
      valLoss: val.loss,
      valLossTotal,
      valAccuracy: val.accuracy,
      durationSec,
      samplesPerSec: state.partialSamples / Math.max(1e-9, state.partialSeconds),
    };
    const improved = state.bestValLoss === null || valLossTotal < state.bestValLoss;
    state.history.push(log);
    state.epoch = epoch + 1;
    state.batch = 0;
    state.rngState = null;
    state.partialLossSums = new Array(numExits).fill(0);
    state.partialSamples = 0;
    state.partialSeconds = 0;
    if (improved) {
      state.bestValLoss = valLossTotal;
      state.bestEpoch = epoch + 1;
      state.epochsWithoutImprovement = 0;
    } else {
      state.epochsWithoutImprovement++;
    }
    await hooks.epochEnd(log, state, improved, val);
    await checkpoint(state);
    lastCheckpoint = Date.now();
    if (config.patience !== null && state.epochsWithoutImprovement >= config.patience) return 'early-stopped';
    if (hooks.shouldStop?.()) return 'interrupted';
  }
  return 'completed';
}
