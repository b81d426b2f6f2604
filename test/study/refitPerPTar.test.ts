import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from './plantedRecords';
import { calibrateRecords } from '../../src/calibration/methods';
import { methodKeys, offloadingStudy, type MethodSpec } from '../../src/study/offloadingStudy';
import { refitSweepsPerPTar } from '../../src/study/refitPerPTar';
import { sweepThresholds } from '../../src/offloading/thresholdSweep';
import { defaultConfig } from '../../src/study/config';

test('refit per p_tar: per-branch / global curves at p_tar x use calibrateRecords(val, method, { pTar: x }); others unchanged', () => {
  const val = plantedRecords({ numSamples: 800, seed: 31, sharpen: 2 });
  const t = plantedRecords({ numSamples: 1000, seed: 32, sharpen: 2 });
  const cfg = defaultConfig();
  cfg.pTarGrid = [0.6, 0.8, 0.9];
  cfg.outagePTarGrid = [0.7];
  cfg.bootstrap.replicates = 20;
  cfg.batches = { batchSize: 100, rounds: 3, seed: 0 };
  cfg.refitPerPTar = true;
  cfg.calibrationSubset = 'most-confident';
  const fit = (m: 'per-branch' | 'global' | 'temperature', x: number) =>
    calibrateRecords(val, m, { pTar: x, fallback: 'most-confident' });
  const methods: MethodSpec[] = [
    { id: 'uncalibrated', label: 'uncalibrated' },
    { id: 'temperature', label: 'TS', calibration: fit('temperature', 0.8) },
    { id: 'per-branch', label: 'PB', calibration: fit('per-branch', 0.8) },
    { id: 'global', label: 'G', calibration: fit('global', 0.8) },
  ];
  const fixed = offloadingStudy(t, methods, cfg);
  const re = refitSweepsPerPTar(fixed, val, t, cfg);
  for (const p of re.partitions) {
    const layout = { edgeExits: p.edgeExits, fallback: cfg.fallback };
    const before = fixed.partitions[p.edgeExits - 1];
    assert.deepEqual(p.methods[0], before.methods[0]);
    assert.deepEqual(p.methods[1], before.methods[1]);
    for (const [j, id] of [
      [2, 'per-branch'],
      [3, 'global'],
    ] as const) {
      cfg.pTarGrid.forEach((x, g) => {
        const want = sweepThresholds(methodKeys(t, fit(id, x)), [x], layout)[0];
        const got = p.methods[j].sweep[g];
        for (const f of ['offloadProbability', 'overallAccuracy'] as const)
          assert.ok(Math.abs(got[f] - want[f]) < 1e-9, `${id} k=${p.edgeExits} p_tar ${x} ${f}`);
        assert.ok(
          Math.abs((got.onDeviceAccuracy ?? NaN) - (want.onDeviceAccuracy ?? NaN)) < 1e-9 ||
            got.onDeviceAccuracy === want.onDeviceAccuracy,
        );
      });
      // At calibrationPTar the per-p_tar fit is the fixed fit.
      assert.ok(
        Math.abs(p.methods[j].sweep[1].offloadProbability - before.methods[j].sweep[1].offloadProbability) < 1e-9,
      );
    }
  }
});
