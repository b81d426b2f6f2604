import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from '../plantedRecords';
import { pairedBootstrap } from '../../../src/study/stats/pairedBootstrap';
import { mergePointBootstraps } from '../../../src/study/stats/mergePoints';
import { perExitTemperatureRefit } from '../../../src/study/stats/refitKeys';

test('single-point runs merged = one run over those points (same seed: same resamples and shuffles)', () => {
  const val = plantedRecords({ numSamples: 400, seed: 1, sharpen: 2 });
  const t = plantedRecords({ numSamples: 600, seed: 2, sharpen: 2 });
  const refit = perExitTemperatureRefit(val, t);
  const base = {
    val,
    test: t,
    refit,
    edgeExits: [1, 2],
    fallback: 'final' as const,
    batchSize: 50,
    replicates: 30,
    seed: 7,
    shufflesPerReplicate: 2,
    pointRounds: 3,
    pointSeed: 1,
  };
  const xs = [0.7, 0.8, 0.9];
  const full = pairedBootstrap({ ...base, grid: xs, batchPoints: xs });
  const merged = mergePointBootstraps(
    [0.9, 0.7, 0.8].map((x) => pairedBootstrap({ ...base, grid: [x], batchPoints: [x] })),
  );
  assert.deepEqual(merged.grid, xs);
  for (let j = 0; j < 2; j++) {
    for (const side of ['uncalibrated', 'calibrated'] as const) {
      for (const part of ['point', 'reps'] as const) {
        for (const name of ['offload', 'device', 'overall', 'deviceCount', 'outage', 'accuracyMiss'] as const) {
          const a = full.partitions[j][side][part][name];
          const b = merged.partitions[j][side][part][name];
          assert.equal(a.length, b.length);
          for (let i = 0; i < a.length; i++)
            assert.ok(
              Object.is(a[i], b[i]) || Math.abs(a[i] - b[i]) < 1e-12,
              `${side} ${part} ${name}[${i}]: ${a[i]} vs ${b[i]}`,
            );
        }
      }
    }
  }
});
