import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCascade } from '../../src/cascade/runCascade';
import { keysFromScores } from '../../src/cascade/cascadeKeys';
import { sweepThresholds } from '../../src/offloading/thresholdSweep';

// One sample, two side branches and the final exit, all below p_tar = 0.7; branch 2 and the final
// exit tie at 0.6. The authors' rule is argmax over [device exits…, final], which returns the first
// maximum: branch 2 answers (it is right; the final exit is wrong).
const scores = [
  { confidence: Float64Array.of(0.5), prediction: Int32Array.of(0) },
  { confidence: Float64Array.of(0.6), prediction: Int32Array.of(1) },
  { confidence: Float64Array.of(0.6), prediction: Int32Array.of(2) },
];
const labels = Int32Array.of(1);

test('most-confident fallback: a device exit wins a tie with the final exit', () => {
  const c = runCascade(scores, { edgeExits: 2, pTar: 0.7, fallback: 'most-confident' });
  assert.equal(c.onDevice[0], 0);
  assert.equal(c.answeringExit[0], 1);
  assert.equal(c.prediction[0], 1);
  assert.equal(runCascade(scores, { edgeExits: 2, pTar: 0.7 }).prediction[0], 2); // final fallback
  // The all-threshold sweep agrees: the offloaded sample is answered correctly.
  const keys = keysFromScores(scores, labels);
  const [row] = sweepThresholds(keys, [0.7], { edgeExits: 2, fallback: 'most-confident' });
  assert.equal(row.offloadProbability, 1);
  assert.equal(row.overallAccuracy, 1);
  const [fin] = sweepThresholds(keys, [0.7], { edgeExits: 2, fallback: 'final' });
  assert.equal(fin.overallAccuracy, 0);
});
