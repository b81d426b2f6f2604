import * as path from 'node:path';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { Command } from '../main';
import { numberOption, parseCommandArgs, requiredOption } from '../args';
import { ConfigError } from '../../errors';
import { selectBackend, describeChoice } from '../../backend/selectBackend';
import { buildArchitecture, ARCHITECTURES } from '../../models/registry';
import { lossWeights } from '../../train/lossWeights';
import { initialState, trainEarlyExit, type TrainConfig } from '../../train/trainer';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from '../../train/checkpoint';
import { saveModelFiles } from '../../train/modelIO';
import { writeTrainLog } from '../../train/trainLog';
import { writeModelManifest } from '../../train/modelManifest';
import { ProgressBar, formatDuration } from '../../train/progress';
import { openTrainingData } from '../../train/datasetAdapter';

const HELP = `usage: eecal train --model b-alexnet|b-lenet [--dataset cifar10|mnist] --out models/<name> [options]

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
  --checkpoint-min M    also checkpoint mid-epoch every M minutes (default 10)
  --resume              continue from <out>/checkpoint exactly (same config required)

Writes <out>/model.json + weights.bin (best validation loss), eecal-model.json, training-log.csv/.json,
and <out>/checkpoint/ (last state). Ctrl-C writes a checkpoint and exits; --resume continues.`;

export const trainCommand: Command = {
  summary: 'train an early-exit network (BranchyNet joint loss), checkpointed',
  async run(argv) {
    const { values: v } = parseCommandArgs('train', argv, {
      model: { type: 'string' }, dataset: { type: 'string' }, out: { type: 'string' },
      epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
      'lr-schedule': { type: 'string' }, 'weight-decay': { type: 'string' }, 'loss-weights': { type: 'string' },
      augment: { type: 'boolean' }, 'no-augment': { type: 'boolean' }, patience: { type: 'string' },
      seed: { type: 'string' }, 'split-seed': { type: 'string' }, data: { type: 'string' },
      'max-train': { type: 'string' }, 'checkpoint-min': { type: 'string' }, resume: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (v.help) { console.log(HELP); return 0; }
    const arch = requiredOption('model', v.model);
    if (!(arch in ARCHITECTURES)) throw new ConfigError(`--model "${arch}": expected one of ${Object.keys(ARCHITECTURES).join(', ')}`);
    const dataset = v.dataset ?? ARCHITECTURES[arch as keyof typeof ARCHITECTURES].dataset;
    const out = requiredOption('out', v.out);
    const schedule = v['lr-schedule'] ?? 'constant';
    if (schedule !== 'constant' && schedule !== 'cosine') throw new ConfigError(`--lr-schedule "${schedule}": expected constant or cosine`);
    const seed = numberOption('seed', v.seed, 1, { integer: true });
    const splitSeed = numberOption('split-seed', v['split-seed'], 42, { integer: true });

    const choice = await selectBackend({ training: true });
    console.error(describeChoice(choice));
    const data = await openTrainingData({ dataset, data: v.data, splitSeed, maxTrain: v['max-train'] ? numberOption('max-train', v['max-train'], 0, { integer: true, min: 1 }) : undefined });
    const net = buildArchitecture(arch, { numClasses: data.numClasses, seed });
    const config: TrainConfig = {
      epochs: numberOption('epochs', v.epochs, arch === 'b-lenet' ? 3 : 30, { integer: true, min: 1 }),
      batchSize: numberOption('batch-size', v['batch-size'], 64, { integer: true, min: 1 }),
      learningRate: numberOption('lr', v.lr, 1e-3, { min: 0 }),
      lrSchedule: schedule,
      weightDecay: numberOption('weight-decay', v['weight-decay'], 0, { min: 0 }),
      lossWeights: lossWeights(v['loss-weights'] ?? 'equal', net.exitNames.length),
      augment: v['no-augment'] ? false : v.augment ?? dataset === 'cifar10',
      seed,
      patience: v.patience ? numberOption('patience', v.patience, 0, { integer: true, min: 1 }) : null,
      checkpointEveryMinutes: numberOption('checkpoint-min', v['checkpoint-min'], 10, { min: 0.01 }),
    };
    const optimizer = tf.train.adam(config.learningRate);
    const ckptDir = path.join(out, 'checkpoint');
    let state = initialState(config, net.exitNames.length);
    if (v.resume) {
      if (!hasCheckpoint(ckptDir)) throw new ConfigError(`--resume: no checkpoint in ${ckptDir}`);
      state = await loadCheckpoint(ckptDir, net.model, optimizer);
      const was = JSON.stringify({ ...state.config, epochs: 0, checkpointEveryMinutes: 0 });
      const now = JSON.stringify({ ...config, epochs: 0, checkpointEveryMinutes: 0 });
      if (was !== now) throw new ConfigError(`--resume: options differ from the checkpoint's run (${was} vs ${now}); only --epochs and --checkpoint-min may change`);
      state.config = { ...config };
      console.error(`resuming at epoch ${state.epoch + 1}, batch ${state.batch} (step ${state.globalStep})`);
    } else if (hasCheckpoint(ckptDir)) {
      throw new ConfigError(`${ckptDir} already holds a checkpoint: pass --resume to continue it, or choose another --out`);
    }
    fs.mkdirSync(out, { recursive: true });
    const manifest = {
      format: 'eecal-model' as const, version: 1 as const, architecture: arch, dataset,
      numClasses: data.numClasses, classNames: data.classNames, inputShape: net.spec.inputShape,
      exitNames: net.exitNames, normalization: data.normalization, seed, splitSeed,
      training: { ...config, trainSamples: data.size('train'), valSamples: data.size('val') },
      backend: `${choice.backend} (${choice.candidate})${choice.gpu ? ' GPU' : ''}`,
      eecalVersion: require('../../../../package.json').version as string,
      bestEpoch: state.bestEpoch,
    };
    let stopRequested = false;
    const onSigint = () => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      console.error('\ninterrupt: writing a checkpoint, then exiting (Ctrl-C again to abort now)');
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    console.error(`training ${arch} on ${dataset}: ${data.size('train')} train / ${data.size('val')} val, ` +
      `batch ${config.batchSize}, ${config.epochs} epochs, Adam lr ${config.learningRate} (${config.lrSchedule}), weights [${config.lossWeights.map((w) => w.toFixed(2))}], augment ${config.augment}`);
    const started = Date.now();
    const outcome = await trainEarlyExit(net.model, optimizer, data, config, state, {
      progress: new ProgressBar(),
      shouldStop: () => stopRequested,
      checkpoint: (s) => saveCheckpoint(ckptDir, net.model, optimizer, s),
      epochEnd: async (log, s, improved) => {
        console.error(`epoch ${log.epoch}: train loss ${log.trainLossTotal.toFixed(4)}, val loss ${log.valLossTotal.toFixed(4)}, ` +
          `val acc ${log.valAccuracy.map((a, e) => `${net.exitNames[e]} ${(100 * a).toFixed(2)}%`).join(' ')}, ${formatDuration(log.durationSec)}${improved ? '  (best)' : ''}`);
        if (improved) await saveModelFiles(net.model, out, { exitNames: net.exitNames, epoch: log.epoch });
        writeTrainLog(out, s.history, net.exitNames);
        writeModelManifest(out, { ...manifest, bestEpoch: s.bestEpoch });
      },
    });
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    console.error(`${outcome} after ${formatDuration((Date.now() - started) / 1000)} (epoch ${state.epoch}/${config.epochs}); best epoch ${state.bestEpoch ?? '-'}; model in ${out}`);
    return outcome === 'interrupted' ? 130 : 0;
  },
};
