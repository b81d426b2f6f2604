import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readRecords } from '../../src/records/csv';
import { readMeasuredRuns } from '../../src/records/measuredRecords';
import { readCalibrationFile } from '../../src/calibration/calibrationFile';
import { scoreRecords } from '../../src/calibration/applyCalibration';
import { runCascade } from '../../src/cascade/runCascade';
import { repoRoot } from '../../src/util/repoRoot';

// The shipped testbed run (models/…-branchynet/testbed/README.md) says every answer the servers
// gave equals the offline cascade on the model's test records: this holds it to that.
test('the shipped testbed runs: every answer equals the offline cascade on test.csv, none a fallback', () => {
  const model = path.join(repoRoot(), 'models', 'b-alexnet-cifar10-branchynet');
  const records = readRecords(path.join(model, 'records', 'test.csv'));
  const calibration = readCalibrationFile(path.join(model, 'testbed', 'calibration-temperature.json'));
  const scores = { none: scoreRecords(records), temperature: scoreRecords(records, calibration) };
  let answers = 0;
  for (const run of readMeasuredRuns(path.join(model, 'testbed'))) {
    for (const row of run.rows) {
      const s = scores[row.method as keyof typeof scores];
      assert.ok(s, `${run.csv}: method ${row.method}`);
      const r = runCascade(s, { edgeExits: 1, pTar: row.pTar, fallback: 'final' });
      const where = `${run.name}, sample ${row.sample}, ${row.method} @ ${row.pTar}`;
      assert.equal(row.exit, r.answeringExit[row.sample] + 1, where);
      assert.equal(row.prediction, r.prediction[row.sample], where);
      assert.equal(row.fallback, false, where);
      answers++;
    }
  }
  assert.equal(answers, 2400, 'three uplink rates × 200 images × 2 methods × 2 p_tar');
});
