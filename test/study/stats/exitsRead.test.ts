import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from '../plantedRecords';
import { drawIndices } from '../../../src/study/stats/resample';
import { CALIBRATION_METHODS } from '../../../src/calibration/methods';
import { scoreRecords } from '../../../src/calibration/index';
import { methodRefit, CLAIM_METHODS } from '../../../src/study/methodRefits';
import { exitsRead } from '../../../src/study/stats/replicateRows';
import { createRng } from '../../../src/util/rng';

test('a replicate reads the device exits of the largest k, and the final exit for the most-confident fallback', () => {
  assert.deepEqual([...exitsRead(3, [1, 2], 'final')], [0, 1]);
  assert.deepEqual([...exitsRead(3, [1], 'final')], [0]);
  assert.deepEqual([...exitsRead(3, [1, 2], 'most-confident')].sort(), [0, 1, 2]);
  assert.deepEqual([...exitsRead(4, [2], 'most-confident')].sort(), [0, 1, 3]);
});

test('refits told which exits are read give those the same keys and the rest the uncalibrated ones', () => {
  const val = plantedRecords({ numSamples: 300, seed: 21, sharpen: 1.8 });
  const test_ = plantedRecords({ numSamples: 50, seed: 22, sharpen: 1.8 });
  const uncal = scoreRecords(test_).map((s) => s.confidence);
  const idx = drawIndices(val.numSamples, createRng(4));
  const read = new Set([0, 1]);
  for (const method of CLAIM_METHODS) {
    const refit = methodRefit(CALIBRATION_METHODS[method], val, test_, { pTar: 0.8, fallback: 'final' });
    for (const rows of [idx, null]) {
      const all = refit(rows);
      const some = refit(rows, read);
      assert.deepEqual(some.correct, all.correct);
      for (const e of [0, 1]) assert.deepEqual(some.keys[e], all.keys[e], `${method} exit ${e + 1}`);
      // Calibration moved the unread exit's confidences; the skipped fit leaves them uncalibrated.
      assert.notDeepEqual(all.keys[2], uncal[2], `${method}: calibrated final exit`);
      assert.deepEqual(some.keys[2], uncal[2], `${method}: final exit not refitted`);
    }
  }
});
