import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from '../plantedRecords';
import { pairedBootstrap, type PairedBootstrapInput } from '../../../src/study/stats/pairedBootstrap';
import { methodRefit } from '../../../src/study/methodRefits';
import { CALIBRATION_METHODS } from '../../../src/calibration/methods';
import { bootstrapThreads, stopBootstrapWorkers } from '../../../src/study/stats/replicatePool';
import { ConfigError } from '../../../src/errors';

after(() => stopBootstrapWorkers());

function run(threads: string, input: PairedBootstrapInput) {
  const before = process.env.EECAL_BOOTSTRAP_THREADS;
  process.env.EECAL_BOOTSTRAP_THREADS = threads;
  try {
    return pairedBootstrap(input);
  } finally {
    if (before === undefined) delete process.env.EECAL_BOOTSTRAP_THREADS;
    else process.env.EECAL_BOOTSTRAP_THREADS = before;
  }
}

// Replicates are keyed by their index: the result may not depend on how many threads computed it.
test('the paired bootstrap is the same on one thread and on three', () => {
  const subset = { pTar: 0.8, fallback: 'final' as const };
  // Fresh record objects per run: the uncalibrated side is cached per test set object.
  const inputOf = (method: 'torch-lbfgs' | 'per-branch'): PairedBootstrapInput => {
    const val = plantedRecords({ numSamples: 400, seed: 31, sharpen: 1.8 });
    const test_ = plantedRecords({ numSamples: 600, seed: 32, sharpen: 1.8 });
    return {
      val,
      test: test_,
      refit: methodRefit(CALIBRATION_METHODS[method], val, test_, subset),
      edgeExits: [1, 2],
      fallback: 'final',
      grid: [0.6, 0.7, 0.8, 0.9],
      batchPoints: [0.7, 0.8],
      batchSize: 64,
      replicates: 300,
      seed: 5,
      shufflesPerReplicate: 2,
      pointRounds: 3,
      pointSeed: 1,
    };
  };
  for (const method of ['torch-lbfgs', 'per-branch'] as const) {
    const progress: number[] = [];
    const one = run('1', { ...inputOf(method), progress: (done) => progress.push(done) });
    const three = run('3', inputOf(method));
    assert.equal(progress.at(-1), 300, 'progress ends at B');
    for (let j = 0; j < 2; j++) {
      for (const side of ['uncalibrated', 'calibrated'] as const) {
        for (const [name, a] of Object.entries(one.partitions[j][side].reps)) {
          const b = three.partitions[j][side].reps[name as keyof (typeof one.partitions)[0]['calibrated']['reps']];
          assert.deepEqual(Array.from(b), Array.from(a as Float64Array), `${method} k=${j + 1} ${side} ${name}`);
        }
      }
    }
    // Not all zero: the rows were written.
    assert.ok(one.partitions[0].calibrated.reps.offload.some((v) => v > 0));
  }
});

test('EECAL_BOOTSTRAP_THREADS: a count from 1 to 64, else a one-line error naming it', () => {
  const before = process.env.EECAL_BOOTSTRAP_THREADS;
  try {
    process.env.EECAL_BOOTSTRAP_THREADS = '3';
    assert.equal(bootstrapThreads(), 3);
    for (const bad of ['0', '2.5', 'many']) {
      process.env.EECAL_BOOTSTRAP_THREADS = bad;
      assert.throws(
        () => bootstrapThreads(),
        (e: Error) =>
          e instanceof ConfigError && e.message === `EECAL_BOOTSTRAP_THREADS=${bad}: expected an integer from 1 to 64`,
      );
    }
    delete process.env.EECAL_BOOTSTRAP_THREADS;
    assert.ok(bootstrapThreads() >= 1 && bootstrapThreads() <= 8);
  } finally {
    if (before === undefined) delete process.env.EECAL_BOOTSTRAP_THREADS;
    else process.env.EECAL_BOOTSTRAP_THREADS = before;
  }
});
