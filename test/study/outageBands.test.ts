import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from './plantedRecords';
import { scoreRecords } from '../../src/calibration/index';
import { keysFromScores } from '../../src/cascade/cascadeKeys';
import { outageWithBootstrapBands } from '../../src/study/outageBands';
import { outageProbability } from '../../src/offloading/outage';

test('outage with test-set bootstrap bands: point = outageProbability (full batches only), bands wider than shuffle noise', () => {
  const r = plantedRecords({ numSamples: 2560, seed: 9, sharpen: 2 });
  const keys = keysFromScores(scoreRecords(r), r.labels);
  const layout = { edgeExits: 1, fallback: 'final' as const };
  const grid = [0.6, 0.7, 0.8, 0.9];
  const rows = outageWithBootstrapBands(keys, grid, layout, {
    batchSize: 256,
    rounds: 20,
    seed: 3,
    replicates: 200,
    bootstrapSeed: 4,
  });
  // 2560 = 10 full batches, so the reshuffle estimate of src/offloading (same shuffles) is the same number.
  const ref = outageProbability(keys, grid, { ...layout, batchSize: 256, rounds: 20, seed: 3 });
  rows.forEach((row, g) => {
    assert.ok(Math.abs(row.outageProbability - ref[g].outageProbability) < 1e-12, `p_tar ${row.pTar}`);
    assert.ok(
      (row.ciLow as number) <= row.outageProbability + 0.05 && (row.ciHigh as number) >= row.outageProbability - 0.05,
    );
  });
  const width = (x: { ciLow: number | null; ciHigh: number | null }) => (x.ciHigh as number) - (x.ciLow as number);
  const g = rows.findIndex((x) => x.outageProbability > 0.2 && x.outageProbability < 0.8);
  assert.ok(g >= 0, 'some p_tar with outage between 0.2 and 0.8');
  assert.ok(width(rows[g]) > 1.5 * width(ref[g]), `bootstrap ${width(rows[g])} vs shuffle SEM ${width(ref[g])}`);
});
