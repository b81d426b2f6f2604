import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from './plantedRecords';
import { defaultConfig } from '../../src/study/config';
import { calibrationStudy } from '../../src/study/calibrationStudy';
import { calibrationOps } from '../../src/study/calibrationOps';
import { offloadingStudy } from '../../src/study/offloadingStudy';
import { studyClaims } from '../../src/study/analysis';

// The built-in TS variants' replicates may run on worker threads, where no refit is counted on
// this one: the bootstrap itself must report them, up to B, with the time left.
test('claims of the built-in TS variants report their bootstrap progress up to B', () => {
  const val = plantedRecords({ numSamples: 500, seed: 41, sharpen: 1.8 });
  const tst = plantedRecords({ numSamples: 800, seed: 42, sharpen: 1.8 });
  const cfg = defaultConfig();
  cfg.batches.rounds = 5;
  cfg.verdicts = { floorSimulations: 20 };
  const calibration = calibrationStudy(val, tst, calibrationOps, {
    methods: ['temperature', 'global'],
    pTar: cfg.calibrationPTar,
    bins: cfg.eceBins,
    exitNames: ['b1', 'b2', 'final'],
  });
  const offloading = offloadingStudy(tst, calibration.methods, cfg, { outage: false, deadline: false, bands: false });
  const B = 120;
  const seen = new Map<string, number[]>();
  studyClaims(val, tst, calibration, offloading, cfg, B, ['temperature', 'global'], (p) => {
    assert.equal(p.total, B);
    assert.ok(p.done === p.total ? p.etaMs === 0 : p.etaMs >= 0, `eta ${p.etaMs}`);
    seen.set(p.method, [...(seen.get(p.method) ?? []), p.done]);
  });
  for (const m of ['temperature', 'global']) {
    const done = seen.get(m) ?? [];
    assert.equal(done.at(-1), B, `${m}: ${done.join(', ')}`);
    assert.equal(done.filter((d) => d === B).length, 1, `${m}: B told once (${done.join(', ')})`);
    assert.ok(
      done.every((d, i) => i === 0 || d >= done[i - 1]),
      `${m} counts up`,
    );
  }
});
