import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Command } from '../main';
import { countOption, parseCommandArgs, requiredOption } from '../args';
import { MAX_MODEL_BATCH_SIZE } from '../limits';
import { ConfigError } from '../../errors';
import { backendLabel, selectBackend } from '../../backend/selectBackend';
import { fallbackNote } from '../backendFallback';
import { buildArchitecture } from '../../models/registry';
import { computeExitCosts } from '../../models/exitCosts';
import { loadWeightsInto } from '../../train/modelIO';
import { readModelManifest } from '../../train/modelManifest';
import { evaluateSplit } from '../../train/evaluate';
import { measureExitTimes } from '../../train/exitTiming';
import { openTrainingData } from '../../train/datasetAdapter';
import { sidecarPath, writeRecords } from '../../records/csv';
import { prepareOutputFile } from '../../util/atomicWrite';
import { exitOnSignal } from '../../util/signals';
import type { RecordsSidecar } from '../../records/types';
import { packageVersion } from '../../version';
import { startReplicas, WORKERS_HELP } from '../workers';
import { replicaForward } from '../../train/replicas/replicaTraining';

const HELP = `usage: eecal infer --model models/<name> --split val|test --out FILE.csv [--data DIR|ARCHIVE] [--batch-size N] [--workers N]

  ${WORKERS_HELP}

Writes exit records: one row per sample, label,exit1_logit0,…,exitE_logit{C-1} (raw logits), and
FILE.json with the model, dataset, split, exit names, per-exit parameters, MACs, split-tensor bytes and
measured inference time per sample on this backend.`;

export const inferCommand: Command = {
  summary: 'write exit records (labels + logits of every exit) for a split',
  async run(argv) {
    const { values: v } = parseCommandArgs('infer', argv, {
      model: { type: 'string' },
      split: { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      'batch-size': { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const dir = requiredOption('model', v.model);
    const split = requiredOption('split', v.split);
    // Records of the training split would calibrate on the data the weights were fitted to.
    if (split !== 'val' && split !== 'test') throw new ConfigError(`--split "${split}": expected val or test`);
    const out = requiredOption('out', v.out);
    if (!out.endsWith('.csv'))
      throw new ConfigError(`--out "${out}": expected a .csv path (the sidecar .json is written beside it)`);
    const batchSize = countOption('batch-size', v['batch-size'], 256, 1, MAX_MODEL_BATCH_SIZE);
    // Refuse an unwritable --out before minutes of inference, not after.
    prepareOutputFile(out);
    prepareOutputFile(sidecarPath(out));
    const stopOnSignal = exitOnSignal('infer', `${out} not written`);
    const manifest = readModelManifest(dir);
    const choice = await selectBackend({ training: false });
    console.error(`backend: ${backendLabel(choice)}`);
    const note = fallbackNote(choice);
    if (note) console.error(note);
    const net = buildArchitecture(manifest.architecture, { numClasses: manifest.numClasses, seed: manifest.seed });
    loadWeightsInto(net.model, dir);
    const data = await openTrainingData({
      dataset: manifest.dataset,
      data: v.data,
      splitSeed: manifest.splitSeed,
      normalization: manifest.normalization,
    });
    const pool = await startReplicas(v.workers, choice, net.model);
    const t0 = Date.now();
    const ev = await evaluateSplit(net.model, data, split, batchSize, pool ? replicaForward(pool) : undefined).finally(
      () => pool?.close(),
    );
    const seconds = (Date.now() - t0) / 1000;
    console.error(
      `${split}: ${ev.labels.length} samples in ${seconds.toFixed(1)} s (${Math.round(ev.labels.length / seconds)} samples/s); accuracy ${ev.accuracy.map((a, e) => `${net.exitNames[e]} ${(100 * a).toFixed(2)}%`).join(', ')}`,
    );
    const times = await measureExitTimes(net);
    const costs = computeExitCosts(net).map((c, e) => ({ ...c, inferenceMsPerSample: times[e] }));
    const meta: RecordsSidecar = {
      format: 'eecal-exit-records',
      version: 1,
      eecalVersion: packageVersion(),
      model: manifest.architecture,
      modelDir: path.relative(path.dirname(path.resolve(out)), path.resolve(dir)) || '.',
      dataset: manifest.dataset,
      split,
      seed: manifest.seed,
      splitSeed: manifest.splitSeed,
      numClasses: manifest.numClasses,
      classNames: manifest.classNames,
      exitNames: net.exitNames,
      exits: costs,
      backend: backendLabel(choice),
      createdAt: new Date().toISOString(),
      // Which weights produced the logits (a folder still training gets new ones each epoch); the
      // digest lets a calibration fitted on these records recognise another model's records.
      weightsEpoch: manifest.weightsEpoch ?? manifest.bestEpoch ?? null,
      weightsSha256: createHash('sha256')
        .update(fs.readFileSync(path.join(dir, 'weights.bin')))
        .digest('hex'),
    };
    writeRecords(out, {
      numSamples: ev.labels.length,
      numClasses: manifest.numClasses,
      numExits: net.exitNames.length,
      labels: ev.labels,
      logits: ev.logits,
      meta,
    });
    stopOnSignal();
    console.error(`wrote ${out} and its sidecar`);
    return 0;
  },
};
