import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataError } from '../errors';
import { buildArchitecture } from '../models/registry';
import { splitNetwork, type SplitNetwork } from '../models/splitModel';
import type { EarlyExitNetwork } from '../models/earlyExitNetwork';
import { loadWeightsInto } from '../train/modelIO';
import { readModelManifest, type ModelManifest } from '../records/modelFolder';

/**
 * Identity of a model folder's weights: SHA-256 of its architecture name and weights.bin, first 16
 * hex digits. The edge sends it with every split tensor so a cloud serving other weights refuses
 * the tensor instead of answering with another model's logits.
 */
export function modelDigest(dir: string, manifest: ModelManifest = readModelManifest(dir)): string {
  const wb = path.join(dir, 'weights.bin');
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(wb);
  } catch (err) {
    throw new DataError(
      `${wb}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); expected a model saved by eecal train`,
      { cause: err },
    );
  }
  return crypto
    .createHash('sha256')
    .update(manifest.architecture)
    .update('\0')
    .update(bytes)
    .digest('hex')
    .slice(0, 16);
}

/** A model folder opened and cut for serving. */
export interface LoadedSplitModel extends SplitNetwork {
  dir: string;
  manifest: ModelManifest;
  digest: string;
  /** The whole network (for references and tests). */
  net: EarlyExitNetwork;
}

/** A model folder opened for serving: the whole network with its weights, and their digest. */
export interface OpenedModelFolder {
  dir: string;
  manifest: ModelManifest;
  digest: string;
  net: EarlyExitNetwork;
}

/** Open a model folder written by `eecal train`: rebuild the network from code and load its weights. */
export function openModelFolder(dir: string): OpenedModelFolder {
  const manifest = readModelManifest(dir);
  const net = buildArchitecture(manifest.architecture, { numClasses: manifest.numClasses, seed: manifest.seed });
  loadWeightsInto(net.model, dir);
  return { dir, manifest, digest: modelDigest(dir, manifest), net };
}

/** Open a model folder and cut it after k device exits. */
export function loadSplitModel(dir: string, k: number): LoadedSplitModel {
  const folder = openModelFolder(dir);
  return { ...splitNetwork(folder.net, k), ...folder };
}
