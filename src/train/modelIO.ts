import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite';
import { DataError } from '../errors';

/**
 * Save a LayersModel in the standard tfjs format (model.json + weights.bin) to a directory, so it
 * can also be opened with `tf.loadLayersModel('file://…')` by tfjs-node users. Plain @tensorflow/tfjs
 * has no file:// handler, hence this small IOHandler.
 */
export async function saveModelFiles(model: tf.LayersModel, dir: string, metadata: Record<string, unknown> = {}): Promise<void> {
  await model.save({
    save: async (artifacts: tf.io.ModelArtifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      writeFileAtomic(path.join(dir, 'weights.bin'), new Uint8Array(data));
      writeJsonAtomic(path.join(dir, 'model.json'), {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        userDefinedMetadata: metadata,
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength } };
    },
  });
}

/**
 * Load weights saved by `saveModelFiles` into an already-built model of the same architecture
 * (weights are matched by position; shapes are checked). Building from code and loading weights
 * keeps the per-exit split points known without parsing the topology.
 */
export function loadWeightsInto(model: tf.LayersModel, dir: string): void {
  const mj = path.join(dir, 'model.json');
  const wb = path.join(dir, 'weights.bin');
  for (const f of [mj, wb]) if (!fs.existsSync(f)) throw new DataError(`${f}: missing (expected a model saved by eecal train)`);
  const manifest = JSON.parse(fs.readFileSync(mj, 'utf8')) as { weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  const specs = manifest.weightsManifest.flatMap((g) => g.weights);
  const buf = fs.readFileSync(wb);
  const named = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), specs);
  const tensors = specs.map((s) => named[s.name]);
  const expected = model.weights;
  if (tensors.length !== expected.length) {
    tf.dispose(tensors);
    throw new DataError(`${wb}: has ${tensors.length} weight tensors, the model expects ${expected.length}`);
  }
  tensors.forEach((t, i) => {
    const want = expected[i].shape;
    if (t.shape.join('x') !== want.join('x')) {
      tf.dispose(tensors);
      throw new DataError(`${wb}: weight ${specs[i].name} has shape [${t.shape}], the model expects [${want}]`);
    }
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Save named tensors (e.g. optimizer state) as a JSON manifest + one binary file. */
export async function saveNamedTensors(tensors: Array<{ name: string; tensor: tf.Tensor }>, dir: string, base: string): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  writeFileAtomic(path.join(dir, `${base}.bin`), new Uint8Array(data as ArrayBuffer));
  writeJsonAtomic(path.join(dir, `${base}.json`), specs);
}

/** Inverse of `saveNamedTensors`, preserving order. */
export function loadNamedTensors(dir: string, base: string): Array<{ name: string; tensor: tf.Tensor }> {
  const specs = JSON.parse(fs.readFileSync(path.join(dir, `${base}.json`), 'utf8')) as tf.io.WeightsManifestEntry[];
  const buf = fs.readFileSync(path.join(dir, `${base}.bin`));
  const map = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}
