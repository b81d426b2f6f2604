import * as path from 'node:path';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { Command } from '../main';
import { countOption, numberOption, parseCommandArgs, requiredOption } from '../args';
import { MAX_EPOCHS, MAX_MODEL_BATCH_SIZE, MAX_TRAIN_SAMPLES } from '../limits';
import { ConfigError } from '../../errors';
import { backendLabel, selectBackend, describeChoice } from '../../backend/selectBackend';
import { fallbackNote } from '../backendFallback';
import { buildArchitecture, ARCHITECTURES } from '../../models/registry';
import { lossWeights } from '../../train/lossWeights';
import { initialState, trainEarlyExit, type TrainConfig } from '../../train/trainer';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from '../../train/checkpoint';
import { saveModelFiles } from '../../train/modelIO';
import { writeTrainingLog } from '../../records/trainingLog';
import { writeModelManifest } from '../../train/modelManifest';
import { ProgressBar, formatDuration } from '../../train/progress';
import { openTrainingData } from '../../train/datasetAdapter';
import { RECIPES, BRANCHYNET_RECIPE, type Recipe } from '../../train/recipes';
import {
  TRACKED_P_TARS,
  trackCalibration,
  type EpochTracking,
  type SplitLogits,
} from '../../train/calibrationTracking';
import { readCalibrationOverTrainingEpochs, writeCalibrationOverTraining } from '../../records/calibrationOverTraining';
import { evaluateSplit } from '../../train/evaluate';
import { loadWeightsInto } from '../../train/modelIO';
import { readModelManifest, type ModelManifest } from '../../train/modelManifest';
import type { TrainingState } from '../../train/trainingState';
import { writeRecords } from '../../records/csv';
import { packageVersion } from '../../version';
import { acquireTrainLock, type TrainLock } from '../../train/trainLock';
import { signalExitCode } from '../../util/signals';
import { readJsonFile } from '../../util/readJson';
import { prepareOutputFolder } from '../../util/outputFolder';
import { startReplicas, WORKERS_HELP } from '../workers';
import { replicaEngine } from '../../train/replicas/replicaTraining';
import type { TrainEngine } from '../../train/trainer';

const HELP = `usage: eecal train --model b-alexnet|b-lenet [--dataset cifar10|mnist] --out models/<name> [options]

  --recipe branchynet   BranchyNet's reference regime (the paper's): ${BRANCHYNET_RECIPE.summary}.
${BRANCHYNET_RECIPE.citations.map((c) => `                          ${c}`).join('\n')}
                        Explicit options below override the recipe and are recorded as overrides.

  --epochs N            epochs in total (default 30 for b-alexnet, 3 for b-lenet)
  --batch-size N        default 64
  --lr X                Adam learning rate (default 1e-3)
  --lr-schedule S       constant | cosine (default constant)
  --weight-decay X      L2 coefficient on kernels (default 0)
  --loss-weights W      equal | crescent | decrescent | "w1,w2,…" (default equal, as BranchyNet)
  --augment / --no-augment   random crop (4-px pad) + horizontal flip (default on for cifar10)
  --patience N          early stopping on validation loss (default off)
  --seed N              weights, batch order, augmentation, dropout (default 1)
  --split-seed N        train/validation split (default 42)
  --data DIR|ARCHIVE    dataset location (default $EECAL_DATA or datasets/)
  --max-train N         use only the first N training samples (quick runs)
  --keep best|last      weights kept in <out>: best validation loss (default) or the last epoch
  --init-from DIR       start from another model folder's weights (fine-tuning; recorded)
  --no-track-calibration  skip the per-epoch calibration tracking (test + val inference each epoch)
  --epoch-records DIR   also write every epoch's val/test exit records under DIR/epoch-NNN/
  --checkpoint-min M    also checkpoint mid-epoch every M minutes (default 10)
  --resume              continue from <out>/checkpoint exactly (same config required)
  ${WORKERS_HELP}

Writes <out>/model.json + weights.bin (per --keep), eecal-model.json, training-log.csv/.json,
calibration-over-training.csv (per epoch × exit: test accuracy, NLL, 15-bin ECE before/after TS
fitted on val, and on-device accuracy / offloading probability at p_tar 0.7, 0.8, 0.9 for k = 1, 2),
and <out>/checkpoint/ (last state). Ctrl-C writes a checkpoint and exits; --resume continues.`;

export const trainCommand: Command = {
  summary: 'train an early-exit network (BranchyNet joint loss), checkpointed',
  async run(argv) {
    const { values: v } = parseCommandArgs('train', argv, {
      model: { type: 'string' },
      dataset: { type: 'string' },
      out: { type: 'string' },
      recipe: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'lr-schedule': { type: 'string' },
      'weight-decay': { type: 'string' },
      'loss-weights': { type: 'string' },
      augment: { type: 'boolean' },
      'no-augment': { type: 'boolean' },
      patience: { type: 'string' },
      seed: { type: 'string' },
      'split-seed': { type: 'string' },
      data: { type: 'string' },
      'max-train': { type: 'string' },
      'checkpoint-min': { type: 'string' },
      resume: { type: 'boolean' },
      keep: { type: 'string' },
      'init-from': { type: 'string' },
      'no-track-calibration': { type: 'boolean' },
      'epoch-records': { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const arch = requiredOption('model', v.model);
    if (!(arch in ARCHITECTURES))
      throw new ConfigError(`--model "${arch}": expected one of ${Object.keys(ARCHITECTURES).join(', ')}`);
    const dataset = v.dataset ?? ARCHITECTURES[arch as keyof typeof ARCHITECTURES].dataset;
    if (!['cifar10', 'mnist', 'folder'].includes(dataset))
      throw new ConfigError(`--dataset "${dataset}": expected cifar10, mnist or folder`);
    const out = requiredOption('out', v.out);
    let recipe: Recipe | null = null;
    if (v.recipe !== undefined) {
      recipe = RECIPES[v.recipe] ?? null;
      if (!recipe) throw new ConfigError(`--recipe "${v.recipe}": expected one of ${Object.keys(RECIPES).join(', ')}`);
    }
    const r = recipe?.options ?? {};
    const schedule = v['lr-schedule'] ?? r.lrSchedule ?? 'constant';
    if (schedule !== 'constant' && schedule !== 'cosine')
      throw new ConfigError(`--lr-schedule "${schedule}": expected constant or cosine`);
    const keep = v.keep ?? r.keep ?? 'best';
    if (keep !== 'best' && keep !== 'last') throw new ConfigError(`--keep "${keep}": expected best or last`);
    const seed = numberOption('seed', v.seed, 1, { integer: true });
    const splitSeed = numberOption('split-seed', v['split-seed'], 42, { integer: true });
    // Count options are bounded before anything is loaded or allocated.
    const epochs = countOption('epochs', v.epochs, r.epochs ?? (arch === 'b-lenet' ? 3 : 30), 1, MAX_EPOCHS);
    const batchSize = countOption('batch-size', v['batch-size'], r.batchSize ?? 64, 1, MAX_MODEL_BATCH_SIZE);
    const patience = v.patience ? countOption('patience', v.patience, undefined, 1, MAX_EPOCHS) : (r.patience ?? null);
    const maxTrain = v['max-train']
      ? countOption('max-train', v['max-train'], undefined, 1, MAX_TRAIN_SAMPLES)
      : undefined;
    const initFrom = v['init-from'] ?? null;
    const initManifest = initFrom !== null ? readModelManifest(initFrom) : null;
    if (initManifest && initManifest.architecture !== arch) {
      throw new ConfigError(`--init-from ${initFrom}: holds a ${initManifest.architecture}, expected ${arch}`);
    }

    // Where epoch records go is checked now, not after the first epoch's minutes.
    if (v['epoch-records'] !== undefined) prepareOutputFolder('--epoch-records', v['epoch-records']);

    // One signal handler for the whole command, installed before the lock is taken (process 'exit'
    // hooks do not run when a signal ends the process): during start-up it releases the lock and
    // exits; once training runs, it routes to the trainer's handler (checkpoint, then exit).
    // Swapping handlers instead would drop a signal that arrives in between.
    let lock: TrainLock | null = null;
    let duringTraining: ((signal: NodeJS.Signals) => void) | null = null;
    const onAnySignal = (signal: NodeJS.Signals) => {
      if (duringTraining) return duringTraining(signal);
      lock?.release();
      console.error(
        `\n${signal}: eecal train stopped during start-up; nothing was trained${lock ? ` (lock ${lock.file} released)` : ''}`,
      );
      process.exit(signalExitCode(signal));
    };
    process.on('SIGINT', onAnySignal);
    process.on('SIGTERM', onAnySignal);
    try {
      // Before loading anything: a second run into the same folder fails at once.
      lock = acquireTrainLock(out);
      return await trainLocked();
    } finally {
      process.off('SIGINT', onAnySignal);
      process.off('SIGTERM', onAnySignal);
      lock?.release();
    }

    async function trainLocked(): Promise<number> {
      const choice = await selectBackend({ training: true });
      console.error(describeChoice(choice));
      const note = fallbackNote(choice);
      if (note) console.error(note);
      const data = await openTrainingData({ dataset, data: v.data, splitSeed, maxTrain });
      const net = buildArchitecture(arch, { numClasses: data.numClasses, seed });
      const config: TrainConfig = {
        epochs,
        batchSize,
        learningRate: numberOption('lr', v.lr, r.learningRate ?? 1e-3, { min: 0 }),
        lrSchedule: schedule as TrainConfig['lrSchedule'],
        weightDecay: numberOption('weight-decay', v['weight-decay'], r.weightDecay ?? 0, { min: 0 }),
        lossWeights: lossWeights(v['loss-weights'] ?? 'equal', net.exitNames.length),
        augment: v['no-augment'] ? false : (v.augment ?? r.augment ?? dataset === 'cifar10'),
        seed,
        patience,
        checkpointEveryMinutes: numberOption('checkpoint-min', v['checkpoint-min'], 10, { min: 0.01 }),
        keep: keep as TrainConfig['keep'],
        recipe: recipe?.name ?? null,
      };
      const overrides = recipe
        ? (Object.keys(recipe.options) as Array<keyof TrainConfig>).filter((k) => config[k] !== recipe!.options[k])
        : [];
      // What defines the run beyond the optimiser settings: resuming with any of these changed would
      // silently splice two different runs, so they are stored in the checkpoint and compared.
      const run: RunIdentity = {
        architecture: arch,
        dataset,
        dataSource: path.basename(data.source),
        splitSeed,
        trainSamples: data.size('train'),
        valSamples: data.size('val'),
        initFrom: initFrom !== null ? path.resolve(initFrom) : null,
      };
      const optimizer = tf.train.adam(config.learningRate);
      const ckptDir = path.join(out, 'checkpoint');
      let state = initialState(config, net.exitNames.length);
      state.run = run as unknown as Record<string, unknown>;
      if (v.resume) {
        if (!hasCheckpoint(ckptDir)) throw new ConfigError(`--resume: no checkpoint in ${ckptDir}`);
        // Another architecture's weights would fail as a tensor-count mismatch: name the flag instead.
        const savedArch = (
          (
            readJsonFile(
              path.join(ckptDir, 'state.json'),
              'the trainer state of an eecal checkpoint',
            ) as TrainingState | null
          )?.run as { architecture?: unknown } | undefined
        )?.architecture;
        if (typeof savedArch === 'string' && savedArch !== arch) {
          throw new ConfigError(
            `--model ${arch}: the checkpoint in ${ckptDir} trains ${savedArch}; pass --model ${savedArch} to resume it, or choose another --out`,
          );
        }
        state = await loadCheckpoint(ckptDir, net.model, optimizer);
        const differing = resumeDifferences(state, config, run);
        if (differing.length) {
          throw new ConfigError(
            `--resume: ${differing.join('; ')} — only --epochs and --checkpoint-min may change when resuming ${ckptDir}`,
          );
        }
        if (state.epoch >= config.epochs) {
          throw new ConfigError(
            `--epochs ${config.epochs}: the checkpoint in ${ckptDir} has already completed ${state.epoch} epoch${state.epoch === 1 ? '' : 's'}; pass --epochs ${state.epoch + 1} or more to train further`,
          );
        }
        state.config = { ...config };
        state.run = run as unknown as Record<string, unknown>;
        console.error(`resuming at epoch ${state.epoch + 1}, batch ${state.batch} (step ${state.globalStep})`);
      } else if (hasCheckpoint(ckptDir)) {
        throw new ConfigError(
          `${ckptDir} already holds a checkpoint: pass --resume to continue it, or choose another --out`,
        );
      } else if (initFrom !== null) {
        loadWeightsInto(net.model, initFrom);
        console.error(
          `initialised from ${initFrom} (epoch ${initManifest!.weightsEpoch ?? initManifest!.bestEpoch ?? '?'} weights)`,
        );
      }
      fs.mkdirSync(out, { recursive: true });
      const track = !v['no-track-calibration'];
      const tracked: EpochTracking[] = track
        ? readCalibrationOverTrainingEpochs(out).filter((t) => t.epoch <= state.epoch)
        : [];
      const stepsPerEpoch = Math.ceil(data.size('train') / config.batchSize);
      const manifestOf = (s: typeof state): ModelManifest => ({
        format: 'eecal-model',
        version: 1,
        architecture: arch,
        dataset,
        numClasses: data.numClasses,
        classNames: data.classNames,
        inputShape: net.spec.inputShape,
        exitNames: net.exitNames,
        normalization: data.normalization,
        seed,
        splitSeed,
        training: {
          ...config,
          trainSamples: data.size('train'),
          valSamples: data.size('val'),
          initFrom: run.initFrom,
          epochsDone: s.epoch,
          adamUpdates: s.globalStep,
          stepsPerEpoch,
          ...(recipe ? { recipeOverrides: overrides, reference: recipe.reference } : {}),
        },
        backend: backendLabel(choice),
        eecalVersion: packageVersion(),
        bestEpoch: s.bestEpoch,
        keep: config.keep,
        weightsEpoch: config.keep === 'last' ? s.epoch : s.bestEpoch,
      });
      let stopRequested = false;
      const stopAfterSteps = process.env.EECAL_STOP_AFTER_STEPS ? Number(process.env.EECAL_STOP_AFTER_STEPS) : Infinity;
      let stopSignal = 'SIGINT' as NodeJS.Signals;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopRequested) process.exit(signal === 'SIGTERM' ? 143 : 130);
        stopRequested = true;
        stopSignal = signal;
        console.error(`\n${signal}: writing a checkpoint at the end of this batch, then exiting (again to abort now)`);
      };
      duringTraining = onSignal;
      console.error(
        `training ${arch} on ${dataset}: ${data.size('train')} train / ${data.size('val')} val, ` +
          `batch ${config.batchSize}, ${config.epochs} epochs, Adam lr ${config.learningRate} (${config.lrSchedule}), weights [${config.lossWeights.map((w) => w.toFixed(2))}], ` +
          `augment ${config.augment}, keep ${config.keep}${recipe ? `, recipe ${recipe.name}${overrides.length ? ` (overridden: ${overrides.join(', ')})` : ''}` : ''}`,
      );
      const pool = await startReplicas(v.workers, choice, net.model);
      const engine: TrainEngine | undefined = pool
        ? replicaEngine(pool, net.model, optimizer, config, data.numClasses)
        : undefined;
      const started = Date.now();
      const outcome = await trainEarlyExit(
        net.model,
        optimizer,
        data,
        config,
        state,
        {
          progress: new ProgressBar(),
          // EECAL_STOP_AFTER_STEPS (tests only): stop as Ctrl-C would after that many Adam steps.
          shouldStop: () => stopRequested || state.globalStep >= stopAfterSteps,
          checkpoint: (s) => saveCheckpoint(ckptDir, net.model, optimizer, s),
          epochEnd: async (log, s, improved, val) => {
            let trackNote = '';
            if (track || v['epoch-records']) {
              const t0 = Date.now();
              const test = await evaluateSplit(net.model, data, 'test', undefined, engine?.forward);
              if (track) {
                const t = trackCalibration(log.epoch, val, test, data.numClasses);
                tracked.push(t);
                writeCalibrationOverTraining(out, net.exitNames, tracked, TRACKED_P_TARS);
                const b1 = t.exits[0];
                trackNote = `; ${net.exitNames[0]} test ECE ${(100 * b1.testEce).toFixed(2)}% → ${(100 * b1.testEceTs).toFixed(2)}% (T ${b1.temperature.toFixed(3)})`;
              }
              if (v['epoch-records'])
                writeEpochRecords(
                  path.join(v['epoch-records'], `epoch-${String(log.epoch).padStart(3, '0')}`),
                  val,
                  test,
                  data.numClasses,
                  net.exitNames,
                );
              trackNote += `; tracking took ${formatDuration((Date.now() - t0) / 1000)} (test inference + fits)`;
            }
            console.error(
              `epoch ${log.epoch}: train loss ${log.trainLossTotal.toFixed(4)}, val loss ${log.valLossTotal.toFixed(4)}, ` +
                `val acc ${log.valAccuracy.map((a, e) => `${net.exitNames[e]} ${(100 * a).toFixed(2)}%`).join(' ')}, ${formatDuration(log.durationSec)}${improved ? '  (best)' : ''}${trackNote}`,
            );
            if (config.keep === 'last' || improved)
              await saveModelFiles(net.model, out, { exitNames: net.exitNames, epoch: log.epoch });
            writeTrainingLog(out, s.history, net.exitNames);
            writeModelManifest(out, manifestOf(s));
          },
        },
        engine,
      ).finally(() => pool?.close());
      console.error(
        `${outcome} after ${formatDuration((Date.now() - started) / 1000)} (epoch ${state.epoch}/${config.epochs}); ` +
          `${config.keep === 'last' ? `last epoch ${state.epoch}` : `best epoch ${state.bestEpoch ?? '-'}`} weights in ${out}`,
      );
      if (outcome === 'interrupted') return stopSignal === 'SIGTERM' ? 143 : 130;
      return 0;
    }
  },
};

/** What the run trains on and from; stored in the checkpoint and compared on --resume. */
interface RunIdentity {
  architecture: string;
  dataset: string;
  dataSource: string;
  splitSeed: number;
  trainSamples: number;
  valSamples: number;
  initFrom: string | null;
}

/** Human-readable differences between a checkpoint's run and the resumed one (empty: same run). */
function resumeDifferences(state: TrainingState, config: TrainConfig, run: RunIdentity): string[] {
  const diffs: string[] = [];
  const was = { ...state.config } as Record<string, unknown>;
  // Checkpoints from before --keep/--recipe existed trained with the defaults of that time.
  if (!('keep' in was)) was.keep = 'best';
  if (!('recipe' in was)) was.recipe = null;
  for (const [k, now] of Object.entries(config)) {
    if (k === 'epochs' || k === 'checkpointEveryMinutes') continue;
    if (JSON.stringify(was[k]) !== JSON.stringify(now))
      diffs.push(`${k} was ${JSON.stringify(was[k])}, now ${JSON.stringify(now)}`);
  }
  const wasRun = (state.run ?? {}) as Record<string, unknown>;
  for (const [k, now] of Object.entries(run)) {
    if (!(k in wasRun)) continue; // older checkpoints did not record it
    if (JSON.stringify(wasRun[k]) !== JSON.stringify(now))
      diffs.push(`${k} was ${JSON.stringify(wasRun[k])}, now ${JSON.stringify(now)}`);
  }
  return diffs;
}

function writeEpochRecords(
  dir: string,
  val: SplitLogits,
  test: SplitLogits,
  numClasses: number,
  exitNames: string[],
): void {
  for (const [name, split] of [
    ['val', val],
    ['test', test],
  ] as const) {
    writeRecords(path.join(dir, `${name}.csv`), {
      numSamples: split.labels.length,
      numClasses,
      numExits: exitNames.length,
      labels: split.labels,
      logits: split.logits,
      meta: { format: 'eecal-exit-records', version: 1, numClasses, exitNames, split: name },
    });
  }
}
