import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ExitRecords } from '../../records/types';
import { runCurveTask, type CurveRows, type CurveTask } from '../curveTasks';
import { ConfigError, ReplicaError } from '../../errors';
import type { Fallback } from '../../cascade/runCascade';
import type { SideCurves } from './pairedBootstrap';
import type { DrawShape } from './replicateDraws';
import type { RefitSpec } from './refitSpec';
import { computeRows, type RowsJob } from './replicateRows';

/** Slots of the shared control array: next replicate to take, replicates done, error flag. */
export const CTRL_NEXT = 0;
export const CTRL_DONE = 1;
export const CTRL_ERROR = 2;

/** What a worker is sent for one side of one bootstrap: everything to rebuild `RowsJob` there. */
export interface JobMessage {
  ctrl: SharedArrayBuffer;
  chunk: number;
  replicates: number;
  val: ExitRecords;
  test: ExitRecords;
  /** The refit to rebuild; null = the uncalibrated side. */
  spec: RefitSpec | null;
  seed: number;
  shape: DrawShape;
  edgeExits: readonly number[];
  fallback: Fallback;
  grid: Float64Array;
  points: Float64Array;
  batchSize: number;
  /** On shared memory: the workers write their rows straight into them. */
  out: SideCurves[];
  /** On shared memory: per k, whether a refit raised a device confidence (see RowsJob.raised). */
  raised: Int32Array | null;
}

/** What a worker is sent to take curve tasks from the shared counter (same control slots as replicates). */
export interface CurveTasksMessage {
  kind: 'curve-tasks';
  ctrl: SharedArrayBuffer;
  tasks: CurveTask[];
  /** Where the worker posts `[task index, rows]` of each task it ran. */
  reply: MessagePort;
}

/** Replicates taken at a time: small enough to balance two threads, large enough to keep the counter cold. */
const CHUNK = 4;
/** Below this many replicates the workers' start-up is not worth it. */
const MIN_REPLICATES = 64;

/**
 * Threads computing replicates (and the study's curve tasks), this one included:
 * $EECAL_BOOTSTRAP_THREADS when set (1 = this thread only), else the machine's cores, at most 8.
 */
export function bootstrapThreads(): number {
  const env = process.env.EECAL_BOOTSTRAP_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > 64)
      throw new ConfigError(`EECAL_BOOTSTRAP_THREADS=${env}: expected an integer from 1 to 64`);
    return n;
  }
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, cores));
}

interface PoolWorker {
  worker: Worker;
  errors: MessagePort;
}

let pool: PoolWorker[] = [];

/** The workers, started once per process and kept (unref'd: they never keep the process alive). */
function workers(n: number): PoolWorker[] {
  const ext = path.extname(__filename);
  const entry = path.join(__dirname, `replicateWorker${ext}`);
  while (pool.length < n) {
    const { port1, port2 } = new MessageChannel();
    // Under tsx (tests, notebooks run from source) the worker registers tsx before loading the entry.
    const worker =
      ext === '.ts'
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, {
            eval: true,
            workerData: { errors: port2 },
            transferList: [port2],
          })
        : new Worker(entry, { workerData: { errors: port2 }, transferList: [port2] });
    worker.unref();
    port1.unref();
    pool.push({ worker, errors: port1 });
  }
  return pool.slice(0, n);
}

/** Stop the workers (tests; a process that ends needs not call it). */
export async function stopBootstrapWorkers(): Promise<void> {
  const old = pool;
  pool = [];
  await Promise.all(old.map((w) => w.worker.terminate()));
}

/**
 * Fill replicates 0 … B−1 of `job` on every thread: this one and, when the side can be rebuilt
 * from `remote` (the uncalibrated side, or a built-in refit), worker threads that take chunks of
 * replicates from a shared counter. Each replicate depends on its index only (its own draws and
 * refit) and is written to its own row, so the result does not depend on the number of threads
 * nor on which thread took which chunk. Synchronous: this thread works on chunks too and then
 * waits for the last ones (Atomics.wait), so the callers stay synchronous. `progress` hears the
 * replicates done, at most about once a second.
 */
export function runReplicates(
  job: RowsJob,
  replicates: number,
  remote: Omit<JobMessage, 'ctrl' | 'chunk' | 'replicates' | 'out'> | null,
  progress?: (done: number) => void,
): void {
  const threads = bootstrapThreads();
  let last = Date.now();
  const tell = (done: number, force = false) => {
    // The last count is told once, at the end.
    if (!progress || (done >= replicates && !force)) return;
    const now = Date.now();
    if (force || now - last >= 1000) {
      last = now;
      progress(done);
    }
  };
  if (!remote || threads <= 1 || replicates < MIN_REPLICATES) {
    for (let r0 = 0; r0 < replicates; r0 += CHUNK) {
      computeRows(job, r0, Math.min(replicates, r0 + CHUNK));
      tell(Math.min(replicates, r0 + CHUNK), r0 + CHUNK >= replicates);
    }
    return;
  }
  const ctrl = new Int32Array(new SharedArrayBuffer(3 * 4));
  const ws = workers(threads - 1);
  const message: JobMessage = {
    ...remote,
    ctrl: ctrl.buffer as SharedArrayBuffer,
    chunk: CHUNK,
    replicates,
    out: job.out,
  };
  for (const w of ws) w.worker.postMessage(message);
  const failed = () => {
    if (Atomics.load(ctrl, CTRL_ERROR) === 0) return;
    const why = ws.map((w) => receiveMessageOnPort(w.errors)?.message).find((m) => m !== undefined);
    throw new ReplicaError(`bootstrap worker failed: ${why ?? 'unknown error'}`);
  };
  for (;;) {
    const r0 = Atomics.add(ctrl, CTRL_NEXT, CHUNK);
    if (r0 >= replicates) break;
    const r1 = Math.min(replicates, r0 + CHUNK);
    computeRows(job, r0, r1);
    tell(Atomics.add(ctrl, CTRL_DONE, r1 - r0) + (r1 - r0));
    failed();
  }
  for (;;) {
    const done = Atomics.load(ctrl, CTRL_DONE);
    if (done >= replicates) break;
    failed();
    Atomics.wait(ctrl, CTRL_DONE, done, 1000);
    tell(Atomics.load(ctrl, CTRL_DONE));
  }
  failed();
  tell(replicates, true);
}

/**
 * The study's curve tasks (outage, sweep and device-ECE bands of every method at every k) on every
 * thread: this one and the pool's workers take tasks from a shared counter, and each task's rows
 * are what `runCurveTask` returns for it on any thread (its own seeds, nothing shared), so the
 * result does not depend on the number of threads. Rows come back in task order. Synchronous,
 * like {@link runReplicates}.
 */
export function curveTasksOnPool(tasks: readonly CurveTask[]): CurveRows[] {
  const threads = Math.min(bootstrapThreads(), tasks.length);
  if (threads <= 1) return tasks.map(runCurveTask);
  const out = new Array<CurveRows | undefined>(tasks.length);
  const ctrl = new Int32Array(new SharedArrayBuffer(3 * 4));
  const ws = workers(threads - 1);
  // A reply channel per worker: read here, synchronously, once every task is done.
  const replies = ws.map((w) => {
    const { port1: mine, port2: theirs } = new MessageChannel();
    const message: CurveTasksMessage = {
      kind: 'curve-tasks',
      ctrl: ctrl.buffer as SharedArrayBuffer,
      tasks: tasks as CurveTask[],
      reply: theirs,
    };
    w.worker.postMessage(message, [theirs]);
    return mine;
  });
  const failed = () => {
    if (Atomics.load(ctrl, CTRL_ERROR) === 0) return;
    const why = ws.map((w) => receiveMessageOnPort(w.errors)?.message).find((m) => m !== undefined);
    throw new ReplicaError(`study worker failed: ${why ?? 'unknown error'}`);
  };
  try {
    for (;;) {
      const i = Atomics.add(ctrl, CTRL_NEXT, 1);
      if (i >= tasks.length) break;
      out[i] = runCurveTask(tasks[i]);
      Atomics.add(ctrl, CTRL_DONE, 1);
      failed();
    }
    for (;;) {
      const done = Atomics.load(ctrl, CTRL_DONE);
      if (done >= tasks.length) break;
      failed();
      Atomics.wait(ctrl, CTRL_DONE, done, 1000);
    }
    failed();
    for (const port of replies) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const [i, rows] = m.message as [number, CurveRows];
        out[i] = rows;
      }
    }
  } finally {
    for (const port of replies) port.close();
  }
  return out.map((rows, i) => {
    if (!rows) throw new ReplicaError(`study task ${i} (${tasks[i].kind}): no result came back`);
    return rows;
  });
}
