/**
 * Entry of one replica thread: a copy of the model on its own tfjs engine (wasm is single-threaded
 * in Node, so threads are how training uses more than one core). It computes the gradient of its
 * shard of each batch into shared memory, or the logits of its rows for inference; it holds no
 * optimizer state — the main thread owns the weights and Adam, so checkpoints stay where they were.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '../../models/lrnLayer';
import { registerCpuTrainingKernels, registerWasmTrainingKernels } from '../../backend/kernels';
import type { ReplicaInit, ReplicaReply, ReplicaRequest } from './replicaMessages';
import { trainableVariables } from '../modelVariables';
import { BackendError, ReplicaError } from '../../errors';

const init = workerData as ReplicaInit;
const port = parentPort!;
const send = (reply: ReplicaReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

/** Multipliers of the current shard per Dropout layer index, set for the duration of one step. */
const currentMultipliers = new Map<number, tf.Tensor>();

async function start(): Promise<{ model: tf.LayersModel; vars: tf.Variable[] }> {
  if (init.backend === 'wasm') registerWasmTrainingKernels();
  if (init.backend === 'cpu') registerCpuTrainingKernels();
  if (!(await tf.setBackend(init.backend)))
    throw new BackendError(`backend ${init.backend} failed to initialise in replica ${init.index}`);
  await tf.ready();
  const model = await tf.models.modelFromJSON({ modelTopology: init.topology } as tf.io.ModelJSON);
  // Dropout in training mode multiplies by the rows of the batch's multipliers that the main
  // thread drew (the same as one thread would draw), instead of drawing its own.
  for (const site of init.dropout) {
    const layer = model.layers[site.layerIndex] as unknown as {
      call: (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
    };
    const inference = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => {
      if (!kwargs?.training) return inference(inputs, kwargs);
      const m = currentMultipliers.get(site.layerIndex);
      if (!m) throw new ReplicaError(`replica ${init.index}: no dropout multipliers for layer ${site.layerIndex}`);
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.mul(x, m);
    };
  }
  return { model, vars: trainableVariables(model) };
}

let loadedVersion = -1;
/** Reload the shared weights when the main thread published a newer version. */
function syncWeights(vars: tf.Variable[], version: number): void {
  if (version === loadedVersion) return;
  const all = new Float32Array(init.weights);
  vars.forEach((v, i) => {
    const { offsets, sizes, shapes } = init.layout;
    tf.tidy(() => v.assign(tf.tensor(all.slice(offsets[i], offsets[i] + sizes[i]), shapes[i])));
  });
  loadedVersion = version;
}

function gradients(
  model: tf.LayersModel,
  vars: tf.Variable[],
  req: Extract<ReplicaRequest, { kind: 'gradients' }>,
): ReplicaReply {
  const rows = req.shape[0];
  init.dropout.forEach((site, i) =>
    currentMultipliers.set(site.layerIndex, tf.tensor2d(req.multipliers[i], [rows, site.units])),
  );
  const lossSums: number[] = [];
  try {
    tf.tidy(() => {
      const x = tf.tensor4d(req.x, req.shape);
      const y = tf.oneHot(tf.tensor1d(req.labels, 'int32'), req.numClasses);
      const { grads } = tf.variableGrads(() => {
        const outs = model.apply(x, { training: true }) as tf.Tensor[];
        const sums = outs.map((o) => tf.losses.softmaxCrossEntropy(y, o, undefined, 0, tf.Reduction.SUM) as tf.Scalar);
        lossSums.push(...sums.map((s) => s.dataSync()[0]));
        return tf.div(tf.addN(sums.map((s, e) => tf.mul(s, req.lossWeights[e]))), req.globalBatch) as tf.Scalar;
      }, vars);
      const out = new Float32Array(init.gradients);
      vars.forEach((v, i) => out.set(grads[v.name].dataSync() as Float32Array, init.layout.offsets[i]));
    });
  } finally {
    currentMultipliers.forEach((t) => t.dispose());
    currentMultipliers.clear();
  }
  return { kind: 'gradients', id: req.id, lossSums };
}

function predict(
  model: tf.LayersModel,
  req: Extract<ReplicaRequest, { kind: 'predict' }>,
): { reply: ReplicaReply; transfer: ArrayBuffer[] } {
  const outputs = tf.tidy(() => {
    // apply, not predict: predict slices even a single batch into a copy (3–14 % of a B-AlexNet pass, `npm run bench:kernels`).
    const outs = model.apply(tf.tensor4d(req.x, req.shape), { training: false }) as tf.Tensor[];
    return outs.map((o) => o.dataSync() as Float32Array);
  });
  return { reply: { kind: 'predict', id: req.id, outputs }, transfer: outputs.map((o) => o.buffer as ArrayBuffer) };
}

start().then(
  ({ model, vars }) => {
    let handled = 0;
    port.on('message', (req: ReplicaRequest) => {
      try {
        handled++;
        // Tests only: make this replica die mid-run, to prove the main thread stops cleanly.
        if (process.env.EECAL_TEST_REPLICA_EXIT === `${init.index}:${handled}`) process.exit(7);
        syncWeights(vars, req.weightsVersion);
        if (req.kind === 'gradients') send(gradients(model, vars, req));
        else {
          const { reply, transfer } = predict(model, req);
          send(reply, transfer);
        }
      } catch (err) {
        send({
          kind: 'error',
          id: req.id,
          message: err instanceof Error ? err.message : String(err),
          stack: err instanceof Error ? err.stack : undefined,
        });
      }
    });
    send({ kind: 'ready' });
  },
  (err) => {
    send({
      kind: 'error',
      id: null,
      message: `replica ${init.index} failed to start: ${err instanceof Error ? err.message : String(err)}`,
      stack: err instanceof Error ? err.stack : undefined,
    });
  },
);
