import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { keysFromScores } from '../../cascade/cascadeKeys';
import { scoreRecords } from '../../calibration/index';
import { CALIBRATION_METHODS } from '../../calibration/methods';
import { methodRefit } from '../methodRefits';
import { binEvery, computeRows, exitsRead, keysNeverHigher, type Binned, type RowsJob } from './replicateRows';
import { CTRL_DONE, CTRL_ERROR, CTRL_NEXT, type CurveTasksMessage, type JobMessage } from './replicatePool';
import { runCurveTask } from '../curveTasks';

/**
 * A bootstrap worker thread: for each job, rebuilds the side's cascade (the uncalibrated keys, or
 * the built-in refit from its spec) from the records it was sent, then takes chunks of replicates
 * from the shared counter until none is left, writing their rows into the shared curves.
 */
const errors = (workerData as { errors: MessagePort }).errors;

function jobOf(m: JobMessage): RowsJob {
  const { val, test } = m;
  const bin = (keys: Parameters<typeof binEvery>[0]): Binned[] =>
    binEvery(keys, m.edgeExits, m.fallback, m.grid, m.points);
  let binnedOf: RowsJob['binnedOf'];
  if (m.spec) {
    const refit = methodRefit(CALIBRATION_METHODS[m.spec.method], val, test, m.spec.subset);
    const unKeys = keysFromScores(scoreRecords(test), test.labels);
    const raised = m.raised;
    const read = exitsRead(test.numExits, m.edgeExits, m.fallback);
    binnedOf = (valIdx) => {
      const keys = refit(valIdx, read);
      if (raised)
        m.edgeExits.forEach((k, j) => {
          if (!keysNeverHigher(keys, unKeys, k)) Atomics.store(raised, j, 1);
        });
      return bin(keys);
    };
  } else {
    const fixed = bin(keysFromScores(scoreRecords(test), test.labels));
    binnedOf = () => fixed;
  }
  return {
    seed: m.seed,
    shape: m.shape,
    edgeExits: m.edgeExits,
    fallback: m.fallback,
    grid: m.grid,
    points: m.points,
    batchSize: m.batchSize,
    binnedOf,
    out: m.out,
    raised: m.raised,
  };
}

/**
 * Take curve tasks until none is left; each one's rows are posted before it counts as done (the
 * main thread reads the reply port once every task is done, then closes it).
 */
function runCurveTasks(m: CurveTasksMessage): void {
  const ctrl = new Int32Array(m.ctrl);
  try {
    for (;;) {
      const i = Atomics.add(ctrl, CTRL_NEXT, 1);
      if (i >= m.tasks.length) break;
      m.reply.postMessage([i, runCurveTask(m.tasks[i])]);
      Atomics.add(ctrl, CTRL_DONE, 1);
      Atomics.notify(ctrl, CTRL_DONE);
    }
  } catch (err) {
    errors.postMessage(err instanceof Error && err.stack ? err.stack : String(err));
    Atomics.store(ctrl, CTRL_ERROR, 1);
    Atomics.notify(ctrl, CTRL_DONE);
  }
}

parentPort?.on('message', (m: JobMessage | CurveTasksMessage) => {
  if ('kind' in m && m.kind === 'curve-tasks') return runCurveTasks(m);
  runRows(m as JobMessage);
});

function runRows(m: JobMessage): void {
  const ctrl = new Int32Array(m.ctrl);
  let job: RowsJob | null = null;
  try {
    for (;;) {
      const r0 = Atomics.add(ctrl, CTRL_NEXT, m.chunk);
      if (r0 >= m.replicates) break;
      job ??= jobOf(m);
      const r1 = Math.min(m.replicates, r0 + m.chunk);
      computeRows(job, r0, r1);
      Atomics.add(ctrl, CTRL_DONE, r1 - r0);
      Atomics.notify(ctrl, CTRL_DONE);
    }
  } catch (err) {
    errors.postMessage(err instanceof Error && err.stack ? err.stack : String(err));
    Atomics.store(ctrl, CTRL_ERROR, 1);
    Atomics.notify(ctrl, CTRL_DONE);
  }
}
