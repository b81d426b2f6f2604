import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plantedRecords } from './plantedRecords';
import { defaultConfig } from '../../src/study/config';
import { offloadingStudy } from '../../src/study/offloadingStudy';
import { offloadingFigures } from '../../src/study/offloadingFigures';
import { sweepSeries } from '../../src/plots/series';

const records = plantedRecords({ numSamples: 500, seed: 3, sharpen: 2 });
const cfg = defaultConfig();
cfg.batches.rounds = 5;
cfg.bootstrap = { replicates: 20, seed: 0 };
const methods = [{ id: 'uncalibrated' as const, label: 'uncalibrated' }];

test('skipped study parts are empty; what is computed equals the full study, and the figures still build', () => {
  const full = offloadingStudy(records, methods, cfg);
  const lean = offloadingStudy(records, methods, cfg, { outage: false, deadline: false, bands: false });
  full.partitions.forEach((p, k) => {
    const a = p.methods[0];
    const b = lean.partitions[k].methods[0];
    assert.ok(a.outage.length > 0 && a.deadline.length > 0 && a.bands.length > 0 && a.deviceEce.length > 0);
    assert.deepEqual([b.outage.length, b.deadline.length, b.bands.length, b.deviceEce.length], [0, 0, 0, 0]);
    assert.deepEqual(b.sweep, a.sweep);
    assert.deepEqual(b.overallByFallback, a.overallByFallback);
  });
  assert.deepEqual(lean.deadlinesMs, full.deadlinesMs);
  assert.ok(Object.keys(offloadingFigures(lean, ['branch1', 'branch2', 'final'])).length > 0);
});

test('sweepSeries draws no band for an empty band list, and still refuses a wrong-length one', () => {
  const rows = offloadingStudy(records, methods, cfg, { outage: false, deadline: false }).partitions[0].methods[0];
  const s = sweepSeries('u', rows.sweep, 'onDeviceAccuracy', []);
  assert.equal(s.lo, undefined);
  assert.equal(s.y.length, rows.sweep.length);
  assert.throws(() => sweepSeries('u', rows.sweep, 'onDeviceAccuracy', rows.bands.slice(1)), /bands for/);
});
