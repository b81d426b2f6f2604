import * as tf from '@tensorflow/tfjs';
import type { SplitName, TrainingData } from './trainingData';
import { nllFromLogits } from '../metrics/nll';
import { accuracy as accuracyOf } from '../metrics/accuracy';
import { argmaxRows } from '../records/logitRows';
import { FitError } from '../errors';

/** Per-exit logits of a whole split, with loss and accuracy per exit. */
export interface SplitEvaluation {
  labels: Int32Array;
  /** Row-major N×C logits per exit. */
  logits: Float32Array[];
  /** Mean softmax cross-entropy per exit. */
  loss: number[];
  accuracy: number[];
  /** Wall time of the whole loop (building batches and forward passes, which overlap), ms per sample. */
  msPerSample: number;
}

/** Every output's logits (row-major) of one batch, in inference mode. */
export type BatchForward = (x: tf.Tensor4D) => Promise<Float32Array[]>;

/**
 * Run the model in inference mode over a split in batches and collect every exit's logits.
 * Tensors are disposed batch by batch (tidy for the math, explicit dispose after the call).
 *
 * Two batches are in flight: the next batch is built and handed to `forward` before the current
 * one's logits are awaited. With worker replicas the main thread's share (building rows, copying
 * shards, posting them) then overlaps the replicas' compute instead of leaving them idle between
 * batches. Against one batch at a time it was faster in 7 of 8 interleaved pairs over two runs of
 * `npm run bench:kernels` (section 4: CIFAR-10 val, 2 workers), with run-to-run noise of the same
 * size as the gain; a `forward` that computes on
 * this thread simply finishes each batch within its call. `forward` must have read `x` by the time
 * it returns its promise (x is disposed right after).
 */
export async function evaluateSplit(
  model: tf.LayersModel,
  data: TrainingData,
  split: SplitName,
  batchSize = 256,
  forward?: BatchForward,
): Promise<SplitEvaluation> {
  const run: BatchForward =
    forward ??
    (async (x) => {
      // apply, not predict: predict slices even a single batch into a copy (3–14 % of a B-AlexNet pass, `npm run bench:kernels`).
      const outs = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor[]);
      const arrays = await Promise.all(outs.map((o) => o.data() as Promise<Float32Array>));
      tf.dispose(outs);
      return arrays;
    });
  const n = data.size(split);
  const C = data.numClasses;
  const numExits = model.outputs.length;
  const logits = Array.from({ length: numExits }, () => new Float32Array(n * C));
  const labels = new Int32Array(n);
  const t0 = performance.now();
  let inFlight: { start: number; done: Promise<Float32Array[]> } | null = null;
  const collect = async (batch: { start: number; done: Promise<Float32Array[]> }) => {
    const arrays = await batch.done;
    arrays.forEach((a, e) => logits[e].set(a, batch.start * C));
    // Let signal handlers run between batches (on the cpu backend data() resolves without yielding).
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const pos = new Int32Array(m);
    for (let i = 0; i < m; i++) pos[i] = start + i;
    const { x, labels: y } = data.batch(split, pos);
    labels.set(y, start);
    let done: Promise<Float32Array[]>;
    try {
      done = run(x);
    } finally {
      x.dispose();
    }
    // A rejection is observed when its turn to be collected comes; never report it as unhandled before.
    done.catch(() => undefined);
    if (inFlight) await collect(inFlight);
    inFlight = { start, done };
  }
  if (inFlight) await collect(inFlight);
  const forwardMs = performance.now() - t0;
  // A diverged network outputs NaN: say so here, not as the loss function's complaint about its input.
  logits.forEach((l, e) => {
    for (let i = 0; i < l.length; i++) {
      if (!Number.isFinite(l[i])) {
        throw new FitError(
          `the network's ${split} logits of exit ${e + 1} are ${l[i]} (sample ${Math.floor(i / C)}): the model has diverged (training: try a lower --lr)`,
        );
      }
    }
  });
  // Loss and accuracy per exit with the metrics library (the numbers calibration reports use).
  const loss = logits.map((l) => nllFromLogits(l, labels, C));
  const accuracy = logits.map((l) => accuracyOf(argmaxRows(l, C), labels));
  return { labels, logits, loss, accuracy, msPerSample: forwardMs / Math.max(1, n) };
}
