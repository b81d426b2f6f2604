import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExitRecords } from './types';
import { readRecords } from './csv';
import { DataError, RecordFormatError } from '../errors';
import { readJsonFile } from '../util/readJson';
import { readTrainingLog, TRAINING_LOG_JSON, type TrainingLog } from './trainingLog';

/**
 * The one reader of a model folder (what `eecal train` and `eecal infer` write): `eecal-model.json`,
 * `training-log.json` and `records/{val,test}.csv` (+ sidecars). Pure file reading, no tfjs: the
 * CLI, the reproduction and notebooks open folders through it. Weights are the trainer's business
 * (`train/modelIO.ts`).
 */

/**
 * `eecal-model.json` in a model directory: what is needed to rebuild the network from code and feed
 * it data exactly as in training (architecture, dataset, normalisation), plus provenance.
 */
export interface ModelManifest {
  format: 'eecal-model';
  version: 1;
  architecture: string;
  dataset: string;
  numClasses: number;
  classNames: string[];
  inputShape: number[];
  exitNames: string[];
  /** Per-channel mean and std (in [0,1] pixel units) used to normalise inputs. */
  normalization: { mean: number[]; std: number[] };
  seed: number;
  splitSeed: number;
  training: Record<string, unknown>;
  backend: string;
  eecalVersion: string;
  /** Epoch of the best validation loss. */
  bestEpoch: number | null;
  /** Which weights the folder holds ('best' when absent: folders written before --keep). */
  keep?: 'best' | 'last';
  /** Epoch whose weights are saved at the top level. */
  weightsEpoch?: number | null;
}

export type { TrainingLog, TrainingLogEpoch } from './trainingLog';

/** Files of a model folder. */
export function modelFolderPaths(dir: string): { manifest: string; trainingLog: string; val: string; test: string } {
  return {
    manifest: path.join(dir, 'eecal-model.json'),
    trainingLog: path.join(dir, TRAINING_LOG_JSON),
    val: path.join(dir, 'records', 'val.csv'),
    test: path.join(dir, 'records', 'test.csv'),
  };
}

const readJson = (file: string): unknown => readJsonFile(file, 'a JSON file written by eecal train');

/** Read and check `eecal-model.json` of a model directory. */
export function readModelManifest(dir: string): ModelManifest {
  const p = modelFolderPaths(dir).manifest;
  if (!fs.existsSync(p)) throw new DataError(`${p}: missing (expected a model directory written by eecal train)`);
  const m = readJson(p) as ModelManifest;
  if (m === null || typeof m !== 'object' || m.format !== 'eecal-model' || m.version !== 1)
    throw new DataError(`${p}: field "format"/"version" must be "eecal-model"/1`);
  return m;
}

export { readTrainingLog };

/** Everything analysis reads from a model folder. */
export interface ModelFolder {
  dir: string;
  /**
   * `eecal-model.json` as found (read leniently: analysis needs only architecture, dataset,
   * backend, training, and hand-written folders may hold just those); null when absent.
   */
  manifest: Partial<ModelManifest> | null;
  trainingLog: TrainingLog | null;
  val: ExitRecords;
  test: ExitRecords;
  /** Paths of the two records files. */
  files: { val: string; test: string };
}

/**
 * Open a model folder for analysis: both record splits (required), the manifest and training log
 * when present. Missing records are a DataError naming the file.
 */
export function readModelFolder(dir: string): ModelFolder {
  const p = modelFolderPaths(dir);
  for (const f of [p.val, p.test]) {
    if (!fs.existsSync(f))
      throw new DataError(`${f}: not found (expected exit records written by \`eecal infer\` in ${dir}/records/)`);
  }
  const val = readRecords(p.val);
  const test = readRecords(p.test);
  // Calibration is fitted on val and applied to test: both must come from the same network.
  if (val.numExits !== test.numExits || val.numClasses !== test.numClasses) {
    throw new RecordFormatError(
      `${p.val} has ${val.numExits} exits × ${val.numClasses} classes but ${p.test} has ${test.numExits} × ${test.numClasses}; expected both splits from the same model (rerun eecal infer for both)`,
    );
  }
  return {
    dir,
    manifest: fs.existsSync(p.manifest) ? (readJson(p.manifest) as Partial<ModelManifest>) : null,
    trainingLog: readTrainingLog(dir),
    val,
    test,
    files: { val: p.val, test: p.test },
  };
}
