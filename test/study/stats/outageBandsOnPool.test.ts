import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from '../plantedRecords';
import { outageBandsOnPool, stopBootstrapWorkers, type OutageBandTask } from '../../../src/study/stats/replicatePool';
import { outageWithBootstrapBands } from '../../../src/study/outageBands';
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

test('outage bands on the pool are the serial ones, in task order, on any number of threads', () => {
  const tasks: OutageBandTask[] = [1.0, 1.6, 2.4].flatMap((sharpen, m) => {
    const r = plantedRecords({ numSamples: 1000, seed: 40 + m, sharpen });
    const keys = keysFromScores(scoreRecords(r), r.labels);
    return [1, 2].flatMap((k) =>
      [0, 1, 2, 3].map((s) => ({
        keys,
        pTars: [0.6, 0.7, 0.8, 0.9],
        layout: { edgeExits: k, fallback: 'final' as const },
        options: { batchSize: 50, rounds: 5, seed: 3 + s, replicates: 60, bootstrapSeed: 4 + s },
      })),
    );
  });
  const serial = tasks.map((t) => outageWithBootstrapBands(t.keys, t.pTars, t.layout, t.options));
  // The tasks differ, so a mix-up of their order would show.
  assert.notDeepEqual(serial[0], serial[1]);
  // Start the workers first: a cold one may join only after this thread has run every task.
  withThreads('3', () => outageBandsOnPool(tasks.slice(0, 2)));
  for (const threads of ['1', '2', '3'])
    assert.deepEqual(
      withThreads(threads, () => outageBandsOnPool(tasks)),
      serial,
    );
});

test('a task that fails on a worker is reported, and the pool keeps serving', () => {
  const r = plantedRecords({ numSamples: 100, seed: 1 });
  const keys = keysFromScores(scoreRecords(r), r.labels);
  const ok = {
    keys,
    pTars: [0.8],
    layout: { edgeExits: 1 },
    options: { batchSize: 20, rounds: 2, seed: 1, replicates: 20, bootstrapSeed: 2 },
  };
  // k = 5 is no side branch of a 3-exit model: whichever thread runs it throws.
  const bad = { ...ok, layout: { edgeExits: 5 } };
  assert.throws(() => withThreads('2', () => outageBandsOnPool([ok, bad, ok, bad])), /edge exits k = 5/);
  assert.deepEqual(
    withThreads('2', () => outageBandsOnPool([ok, ok])),
    [
      outageWithBootstrapBands(ok.keys, ok.pTars, ok.layout, ok.options),
      outageWithBootstrapBands(ok.keys, ok.pTars, ok.layout, ok.options),
    ],
  );
});
