import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite';
import { DataError, FitError } from '../errors';
import { firstNonFinite } from './finiteWeights';
import { readJsonFile } from '../util/readJson';

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, complex64: 8 };

/** Check that a weights file holds exactly the bytes its manifest describes, then decode it. */
function decodeWeightsChecked(file: string, specs: tf.io.WeightsManifestEntry[]): tf.NamedTensorMap {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    throw new DataError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      cause: err,
    });
  }
  let expected = 0;
  for (const s of specs) {
    if (s.quantization || !(s.dtype in DTYPE_BYTES) || !Array.isArray(s.shape)) {
      throw new DataError(`${file}: weight "${s.name}" has an unsupported or malformed spec in its manifest`);
    }
    expected += s.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[s.dtype];
  }
  if (buf.length !== expected) {
    throw new DataError(
      `${file}: ${buf.length} bytes, expected ${expected} for the ${specs.length} tensors its manifest lists (truncated or from another model?)`,
    );
  }
  // A Buffer read from a file is backed by a plain ArrayBuffer (never shared memory).
  const data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  const bad = firstNonFinite(data, specs);
  if (bad)
    throw new DataError(
      `${file}: weight "${bad.name}" holds ${bad.value} at index ${bad.index}; expected finite numbers (a diverged training or a corrupt file)`,
    );
  try {
    return tf.io.decodeWeights(data, specs);
  } catch (err) {
    throw new DataError(`${file}: cannot decode weights (${(err as Error).message})`, { cause: err });
  }
}

/** The weight specs listed by a model.json / optimizer.json, checked for shape. */
function weightSpecsOf(obj: unknown, file: string, optimizer: boolean): tf.io.WeightsManifestEntry[] {
  const specs = optimizer
    ? obj
    : (obj as { weightsManifest?: Array<{ weights?: unknown }> } | null)?.weightsManifest?.flatMap?.(
        (g) => g?.weights as never,
      );
  if (!Array.isArray(specs) || specs.some((s) => !s || typeof s.name !== 'string')) {
    throw new DataError(
      `${file}: ${optimizer ? 'expected a list of weight specs' : 'field "weightsManifest" must list the weight specs'} (corrupt or not written by eecal?)`,
    );
  }
  return specs as tf.io.WeightsManifestEntry[];
}

/**
 * Save a LayersModel in the standard tfjs format (model.json + weights.bin) to a directory, so it
 * can also be opened with `tf.loadLayersModel('file://…')` by tfjs-node users. Plain @tensorflow/tfjs
 * has no file:// handler, hence this small IOHandler.
 */
export async function saveModelFiles(
  model: tf.LayersModel,
  dir: string,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  await model.save({
    save: async (artifacts: tf.io.ModelArtifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      refuseNonFinite(data, artifacts.weightSpecs ?? [], path.join(dir, 'weights.bin'), 'weight');
      writeFileAtomic(path.join(dir, 'weights.bin'), new Uint8Array(data));
      writeJsonAtomic(path.join(dir, 'model.json'), {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        userDefinedMetadata: metadata,
      });
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.byteLength },
      };
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
  for (const f of [mj, wb])
    if (!fs.existsSync(f)) throw new DataError(`${f}: missing (expected a model saved by eecal train)`);
  const specs = weightSpecsOf(readJsonFile(mj, 'a tfjs model.json saved by eecal train'), mj, false);
  const named = decodeWeightsChecked(wb, specs);
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

/** Nothing non-finite is ever persisted: a diverged training stops with the name of the tensor. */
function refuseNonFinite(
  data: ArrayBuffer,
  specs: readonly tf.io.WeightsManifestEntry[],
  file: string,
  what: string,
): void {
  const bad = firstNonFinite(data, specs);
  if (bad) {
    throw new FitError(
      `training diverged: ${what} "${bad.name}" is ${bad.value} (index ${bad.index}); ${file} not written (try a lower --lr)`,
    );
  }
}

/** Save named tensors (e.g. optimizer state) as a JSON manifest + one binary file. */
export async function saveNamedTensors(
  tensors: Array<{ name: string; tensor: tf.Tensor }>,
  dir: string,
  base: string,
): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  refuseNonFinite(
    data as ArrayBuffer,
    specs,
    path.join(dir, `${base}.bin`),
    base === 'optimizer' ? 'optimizer state' : 'tensor',
  );
  writeFileAtomic(path.join(dir, `${base}.bin`), new Uint8Array(data as ArrayBuffer));
  writeJsonAtomic(path.join(dir, `${base}.json`), specs);
}

/** Inverse of `saveNamedTensors`, preserving order. */
export function loadNamedTensors(dir: string, base: string): Array<{ name: string; tensor: tf.Tensor }> {
  const specsFile = path.join(dir, `${base}.json`);
  const specs = weightSpecsOf(readJsonFile(specsFile, 'the weight specs of a checkpoint'), specsFile, true);
  const map = decodeWeightsChecked(path.join(dir, `${base}.bin`), specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}
