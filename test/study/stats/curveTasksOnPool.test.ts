import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from '../plantedRecords';
import { curveTasksOnPool, stopBootstrapWorkers } from '../../../src/study/stats/replicatePool';
import { runCurveTask, type CurveTask } from '../../../src/study/curveTasks';
import { outageWithBootstrapBands } from '../../../src/study/outageBands';
import { bootstrapSweepBands } from '../../../src/offloading/bootstrapBands';
import { deviceEceVsPTar } from '../../../src/study/deviceEce';
import { keysFromScores } from '../../../src/cascade/cascadeKeys';
import { scoreRecords } from '../../../src/calibration/index';

after(() => stopBootstrapWorkers());

function withThreads<T>(threads: string, f: () => T): T {
  const before = process.env.EECAL_BOOTSTRAP_THREADS;
  process.env.EECAL_BOOTSTRAP_THREADS = threads;
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.EECAL_BOOTSTRAP_THREADS;
    else process.env.EECAL_BOOTSTRAP_THREADS = before;
  }
}

const pTars = [0.6, 0.7, 0.8, 0.9];

/** Every kind of task for three planted methods at k = 1 and 2, with seeds that differ per task. */
function tasks(): CurveTask[] {
  return [1.0, 1.6, 2.4].flatMap((sharpen, m) => {
    const r = plantedRecords({ numSamples: 2000, seed: 40 + m, sharpen });
    const keys = keysFromScores(scoreRecords(r), r.labels);
    return [1, 2].flatMap((k): CurveTask[] => {
      const layout = { edgeExits: k, fallback: 'final' as const };
      const seed = 10 * m + k;
      return [
        { kind: 'sweep-bands', keys, pTars, options: { ...layout, replicates: 200, seed } },
        {
          kind: 'outage-bands',
          keys,
          pTars,
          layout,
          options: { batchSize: 50, rounds: 5, seed, replicates: 200, bootstrapSeed: seed + 1 },
        },
        { kind: 'device-ece', keys, pTars, layout, options: { bins: 10, replicates: 200, seed } },
      ];
    });
  });
}

test('each curve task is the call it names', () => {
  const [sweep, outage, ece] = tasks();
  assert.ok(sweep.kind === 'sweep-bands' && outage.kind === 'outage-bands' && ece.kind === 'device-ece');
  assert.deepEqual(runCurveTask(sweep), bootstrapSweepBands(sweep.keys, sweep.pTars, sweep.options));
  assert.deepEqual(
    runCurveTask(outage),
    outageWithBootstrapBands(outage.keys, outage.pTars, outage.layout, outage.options),
  );
  assert.deepEqual(runCurveTask(ece), deviceEceVsPTar(ece.keys, ece.pTars, ece.layout, ece.options));
});

test('curve tasks on the pool give the serial rows, in task order, on any number of threads', () => {
  const all = tasks();
  const serial = all.map(runCurveTask);
  // The tasks differ, so a mix-up of their order would show.
  assert.notDeepEqual(serial[1], serial[4]);
  // Start the workers first: a cold one may join only after this thread has run every task.
  withThreads('3', () => curveTasksOnPool(all.slice(0, 2)));
  for (const threads of ['1', '2', '3'])
    assert.deepEqual(
      withThreads(threads, () => curveTasksOnPool(all)),
      serial,
    );
});

test('a task that fails on a worker is reported, and the pool keeps serving', () => {
  const r = plantedRecords({ numSamples: 100, seed: 1 });
  const keys = keysFromScores(scoreRecords(r), r.labels);
  const ok: CurveTask = {
    kind: 'outage-bands',
    keys,
    pTars: [0.8],
    layout: { edgeExits: 1 },
    options: { batchSize: 20, rounds: 2, seed: 1, replicates: 20, bootstrapSeed: 2 },
  };
  // k = 5 is no side branch of a 3-exit model: whichever thread runs it throws.
  const bad: CurveTask = { ...ok, layout: { edgeExits: 5 } };
  assert.throws(() => withThreads('2', () => curveTasksOnPool([ok, bad, ok, bad])), /edge exits k = 5/);
  assert.deepEqual(
    withThreads('2', () => curveTasksOnPool([ok, ok])),
    [runCurveTask(ok), runCurveTask(ok)],
  );
});
