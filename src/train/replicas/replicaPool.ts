import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import { ReplicaError } from '../../errors';
import type { ReplicaInit, ReplicaReply, ReplicaRequest } from './replicaMessages';
import { weightLayout, readWeightsInto, type WeightLayout } from './weightLayout';
import { dropoutSites, type DropoutSite } from './dropoutMultipliers';

type Shape4 = [number, number, number, number];
interface Pending {
  resolve(reply: ReplicaReply): void;
  reject(err: Error): void;
}

/** The rows [start, end) of a batch of `n` rows that replica `w` of `count` takes (contiguous, balanced). */
export function shardRows(n: number, count: number, w: number): [number, number] {
  return [Math.floor((n * w) / count), Math.floor((n * (w + 1)) / count)];
}

/**
 * N replica threads of one model. The main thread keeps the authoritative weights and the optimizer;
 * `publishWeights` copies them to shared memory once per update, and each replica reloads them before
 * its next request. Any replica that dies or fails rejects every pending request with a ReplicaError
 * and poisons the pool, so a caller awaiting it gets an error instead of waiting forever.
 */
export class ReplicaPool {
  readonly layout: WeightLayout;
  readonly dropout: DropoutSite[];
  private readonly workers: Worker[] = [];
  private readonly gradientViews: Float32Array[] = [];
  private readonly weights: Float32Array;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private weightsVersion = 0;
  private failure: ReplicaError | null = null;
  private closing = false;

  private constructor(model: tf.LayersModel, backend: string, count: number) {
    this.layout = weightLayout(model);
    this.dropout = dropoutSites(model);
    const weightsBuffer = new SharedArrayBuffer(4 * this.layout.total);
    this.weights = new Float32Array(weightsBuffer);
    const topology = model.toJSON(null, false);
    // The worker runs what the caller runs: compiled .js from dist/, or the .ts source under tsx
    // (tests, benches), whose loader a worker thread must be given again.
    const ext = path.extname(__filename);
    const entry = path.join(__dirname, `replicaWorker${ext}`);
    for (let index = 0; index < count; index++) {
      const gradients = new SharedArrayBuffer(4 * this.layout.total);
      this.gradientViews.push(new Float32Array(gradients));
      const init: ReplicaInit = {
        index,
        backend,
        topology,
        layout: this.layout,
        dropout: this.dropout,
        weights: weightsBuffer,
        gradients,
      };
      const worker =
        ext === '.ts'
          ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: init })
          : new Worker(entry, { workerData: init });
      worker.on('message', (reply: ReplicaReply) => this.onReply(index, reply));
      worker.on('error', (err) =>
        this.fail(new ReplicaError(`worker replica ${index} crashed: ${err.message}`, { cause: err })),
      );
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new ReplicaError(`worker replica ${index} exited unexpectedly (code ${code})`));
      });
      this.workers.push(worker);
    }
  }

  /** Start `count` replicas of `model` on `backend` and wait until each has built its copy. */
  static async start(model: tf.LayersModel, backend: string, count: number): Promise<ReplicaPool> {
    const pool = new ReplicaPool(model, backend, count);
    await Promise.all(pool.workers.map((_, i) => pool.request(i, null)));
    pool.publishWeights(model);
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Make the model's current weights the ones replicas compute with from their next request. */
  publishWeights(model: tf.LayersModel): void {
    readWeightsInto(model, this.layout, this.weights);
    this.weightsVersion++;
  }

  /** Make `weights` (layout order, e.g. an optimizer's flat copy) the ones replicas compute with next. */
  publishFlatWeights(weights: Float32Array): void {
    this.weights.set(weights);
    this.weightsVersion++;
  }

  /**
   * Sum over replicas of the gradient of Σₑ wₑ·Σ_{shard} CEₑ / B — the gradient of the batch-mean
   * joint loss, as one thread computes it — plus each exit's CE summed over the batch.
   */
  async gradients(
    x: Float32Array,
    shape: Shape4,
    labels: Int32Array,
    numClasses: number,
    multipliers: Float32Array[],
    lossWeights: number[],
  ): Promise<{ gradient: Float32Array; lossSums: number[] }> {
    const shards = this.shardsOf(shape);
    const done = (await Promise.all(
      shards.map(({ w, a, b }) =>
        this.request(w, {
          kind: 'gradients',
          id: 0,
          weightsVersion: this.weightsVersion,
          ...this.rowsOf(x, shape, a, b),
          labels: labels.slice(a, b),
          numClasses,
          multipliers: multipliers.map((m, i) => m.slice(a * this.dropout[i].units, b * this.dropout[i].units)),
          lossWeights,
          globalBatch: shape[0],
        }),
      ),
    )) as Array<Extract<ReplicaReply, { kind: 'gradients' }>>;
    // Summed in replica order, so the result does not depend on which replica finished first.
    const gradient = Float32Array.from(this.gradientViews[shards[0].w]);
    for (const { w } of shards.slice(1)) {
      const g = this.gradientViews[w];
      for (let i = 0; i < gradient.length; i++) gradient[i] += g[i];
    }
    const lossSums = done[0].lossSums.map((_, e) => done.reduce((s, r) => s + r.lossSums[e], 0));
    return { gradient, lossSums };
  }

  /** Every output's rows for a batch, computed by the replicas on contiguous shards and concatenated. */
  async predict(x: Float32Array, shape: Shape4): Promise<Float32Array[]> {
    const shards = this.shardsOf(shape);
    const replies = (await Promise.all(
      shards.map(({ w, a, b }) =>
        this.request(w, {
          kind: 'predict',
          id: 0,
          weightsVersion: this.weightsVersion,
          ...this.rowsOf(x, shape, a, b),
        }),
      ),
    )) as Array<Extract<ReplicaReply, { kind: 'predict' }>>;
    return replies[0].outputs.map((first, o) => {
      const cols = first.length / (shards[0].b - shards[0].a);
      const out = new Float32Array(shape[0] * cols);
      replies.forEach((r, s) => out.set(r.outputs[o], shards[s].a * cols));
      return out;
    });
  }

  /** The non-empty shards of a batch: replica `w` takes rows [a, b). */
  private shardsOf(shape: Shape4): Array<{ w: number; a: number; b: number }> {
    return this.workers
      .map((_, w) => {
        const [a, b] = shardRows(shape[0], this.size, w);
        return { w, a, b };
      })
      .filter(({ a, b }) => b > a);
  }

  /** Rows [a, b) of a batch, as a request carries them (a copy: its buffer is transferred). */
  private rowsOf(x: Float32Array, shape: Shape4, a: number, b: number): { x: Float32Array; shape: Shape4 } {
    const perSample = shape[1] * shape[2] * shape[3];
    return { x: x.slice(a * perSample, b * perSample), shape: [b - a, shape[1], shape[2], shape[3]] };
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Send a request (null: wait for the replica's 'ready') and resolve with its reply. */
  private request(w: number, req: ReplicaRequest | null): Promise<ReplicaReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = req === null ? -1 - w : this.nextId++;
    return new Promise<ReplicaReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (req !== null) {
        const transfer = [req.x.buffer as ArrayBuffer];
        this.workers[w].postMessage({ ...req, id }, transfer);
      }
    });
  }

  private onReply(w: number, reply: ReplicaReply): void {
    const id = reply.kind === 'ready' ? -1 - w : (reply.id ?? -1 - w);
    if (reply.kind === 'error') {
      const err = new ReplicaError(`worker replica ${w}: ${reply.message}`);
      if (reply.stack) err.stack = `${err.name}: ${err.message}\n--- in the replica:\n${reply.stack}`;
      this.fail(err);
      return;
    }
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.resolve(reply);
  }

  /** Reject everything pending and every later request; stop the other replicas. */
  private fail(err: ReplicaError): void {
    if (this.failure) return;
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.closing = true;
    for (const w of this.workers) void w.terminate();
  }
}
