import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { syntheticRecords } from '../plots/syntheticRecords';
import {
  calibrateRecords,
  calibrationMethod,
  resolveMethods,
  offloadingMethod,
  methodLabel,
  BUILTIN_METHODS,
  METHOD_IDS,
  CALIBRATION_METHODS,
} from '../../src/calibration/methods';
import { perExitMethod } from '../../src/calibration/methodDefinition';
import { TemperatureScaling } from '../../src/calibration/temperatureScaling';
import { scoreRecords, exitTemperature } from '../../src/calibration/applyCalibration';
import { calibrationStudy } from '../../src/study/calibrationStudy';
import { calibrationOps } from '../../src/study/calibrationOps';
import { ConfigError, OptionError } from '../../src/errors';

const val = syntheticRecords({ numSamples: 600, seed: 31 });
const test_ = syntheticRecords({ numSamples: 700, seed: 32 });

/** Fixed T = 2 as a user would write it: logits in, logits / 2 out. */
const fixedT2 = perExitMethod({ id: 'fixed-t2', label: 'T = 2', fit: () => (z) => z.map((v) => v / 2) });

test('built-in methods are method objects: id = registry key, every one listed once', () => {
  assert.deepEqual(
    BUILTIN_METHODS.map((m) => m.id),
    METHOD_IDS,
  );
  for (const id of METHOD_IDS) assert.equal(calibrationMethod(id), CALIBRATION_METHODS[id]);
});

test('a function calibrator scores like the equivalent saved kind (T = 2 vs TemperatureScaling T = 2)', () => {
  const run = calibrateRecords(val, fixedT2);
  assert.equal(run.method, 'fixed-t2');
  assert.equal(run.file, null, 'a function calibrator has no calibration file');
  const ref = TemperatureScaling.withTemperature(2, val.numClasses);
  const got = scoreRecords(test_, run);
  for (let e = 0; e < test_.numExits; e++) {
    const want = ref.scores(test_.logits[e]);
    assert.deepEqual(Array.from(got[e].prediction), Array.from(want.prediction));
    got[e].confidence.forEach((c, i) => assert.ok(Math.abs(c - want.confidence[i]) < 1e-12));
    assert.ok(
      Math.abs(run.calibrators[e].nll(test_.logits[e], test_.labels) - ref.nll(test_.logits[e], test_.labels)) < 1e-12,
    );
    assert.equal(exitTemperature(run, e), null, 'a function is not known to be a temperature');
  }
  assert.throws(
    () => run.calibrators[0].toJSON(),
    (err: unknown) =>
      err instanceof ConfigError && /"fixed-t2".*cannot be written to a calibration file/.test((err as Error).message),
  );
});

test('probability output (label smoothing) is used as is; a wrong shape names the method and exit', () => {
  const eps = 0.1;
  const smooth = perExitMethod({
    id: 'smooth',
    label: 'label smoothing',
    output: 'probabilities',
    fit: (_z, _y, C) => (z) => {
      const out = new Float64Array(z.length);
      for (let i = 0; i < z.length / C; i++) {
        const row = z.subarray(i * C, (i + 1) * C);
        const m = Math.max(...row);
        const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
        for (let k = 0; k < C; k++) out[i * C + k] = ((1 - eps) * Math.exp(row[k] - m)) / s + eps / C;
      }
      return out;
    },
  });
  const run = calibrateRecords(val, smooth);
  const p = run.calibrators[0].probabilities(test_.logits[0].subarray(0, 10));
  const row = Array.from(test_.logits[0].subarray(0, 10));
  const m = Math.max(...row);
  const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
  row.forEach((v, k) => assert.ok(Math.abs(p[k] - (((1 - eps) * Math.exp(v - m)) / s + eps / 10)) < 1e-12));
  const bad = perExitMethod({ id: 'bad', label: 'bad', fit: () => (z) => z.subarray(1) });
  assert.throws(() => calibrateRecords(val, bad), /method "bad" exit 1: its calibration function returned \d+ values/);
});

test('unknown ids, duplicates and malformed objects are one-line errors naming the option', () => {
  assert.throws(
    () => resolveMethods(['temperature', 'tempurature'], 'PLAY.methods'),
    (e: unknown) =>
      e instanceof OptionError &&
      /^PLAY\.methods\[1\] "tempurature": expected one of temperature, /.test((e as Error).message),
  );
  assert.throws(
    () => resolveMethods(['temperature', 'temperature'], 'PLAY.methods'),
    /PLAY\.methods\[1\]: method id "temperature" appears twice/,
  );
  assert.throws(
    () => resolveMethods([{ id: 'x', label: 'x' } as never], 'PLAY.methods'),
    /PLAY\.methods\[0\] \("x"\): "fit" must be a function/,
  );
  assert.throws(
    () => resolveMethods([{ id: 'a b', label: 'x', fit: () => null } as never]),
    /methods\[0\]: "id" must be a string of letters/,
  );
  assert.throws(() => calibrateRecords(val, 'offloading', { pTar: 0.8 }), OptionError);
  assert.equal(methodLabel(fixedT2), 'T = 2');
  assert.equal(methodLabel('fixed-t2'), 'fixed-t2');
});

test('the offloading method runs with its options bound', () => {
  const m = offloadingMethod({ beta: 5, latency: { deviceMs: [1, 2], overheadMs: 3, cloudMs: 4 } });
  const run = calibrateRecords(val, m, { pTar: 0.8 });
  assert.equal(run.method, 'offloading');
  assert.ok(run.offloading !== null);
  assert.ok(run.file !== null);
  assert.throws(
    () => offloadingMethod({ beta: NaN, latency: { deviceMs: [1], overheadMs: 0, cloudMs: 1 } }),
    /"beta" must be a number/,
  );
});

test('a calibration study compares a user method beside built-ins (rows, reliability, no temperature)', () => {
  const study = calibrationStudy(val, test_, calibrationOps, {
    methods: ['temperature', fixedT2],
    pTar: 0.8,
    bins: 15,
    exitNames: ['a', 'b', 'c'],
  });
  assert.deepEqual(
    study.methods.map((m) => m.id),
    ['uncalibrated', 'temperature', 'fixed-t2'],
  );
  const rows = study.rows.filter((r) => r.methodId === 'fixed-t2');
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => r.temperature === null && r.method === 'T = 2'));
  // Same NLL as T = 2 computed independently by the built-in calibrator.
  const ref = TemperatureScaling.withTemperature(2, test_.numClasses);
  rows.forEach((r, e) => assert.ok(Math.abs(r.nllAfter - ref.nll(test_.logits[e], test_.labels)) < 1e-12));
  assert.throws(
    () =>
      calibrationStudy(val, test_, calibrationOps, {
        methods: ['nope'],
        pTar: 0.8,
        bins: 15,
        exitNames: ['a', 'b', 'c'],
      }),
    /methods\[0\] "nope": expected one of/,
  );
});
