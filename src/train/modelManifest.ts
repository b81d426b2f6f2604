import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../util/atomicWrite';
import { DataError } from '../errors';
import { readJsonFile } from '../util/readJson';

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

export function writeModelManifest(dir: string, m: ModelManifest): void {
  writeJsonAtomic(path.join(dir, 'eecal-model.json'), m);
}

export function readModelManifest(dir: string): ModelManifest {
  const p = path.join(dir, 'eecal-model.json');
  if (!fs.existsSync(p)) throw new DataError(`${p}: missing (expected a model directory written by eecal train)`);
  const m = readJsonFile(p, 'eecal-model.json written by eecal train') as ModelManifest;
  if (!m || typeof m !== 'object' || m.format !== 'eecal-model' || m.version !== 1) throw new DataError(`${p}: field "format"/"version" must be "eecal-model"/1`);
  return m;
}
