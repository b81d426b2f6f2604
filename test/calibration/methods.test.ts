import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALIBRATION_METHODS,
  METHOD_IDS,
  calibrateRecords,
  calibrationMethod,
  methodLabel,
} from '../../src/calibration/methods';
import { describeState } from '../../src/calibration/describeState';
import { fitTemperatureExact } from '../../src/calibration/temperatureFit';
import { flagMessage, withFlags } from '../../src/cli/optionFlags';
import { ConfigError, OptionError } from '../../src/errors';
import { syntheticRecords } from '../plots/syntheticRecords';

test('one registry: every method id, torch-lbfgs included; unique labels; p_tar methods are exactly the cascade-dependent ones', () => {
  assert.deepEqual([...METHOD_IDS].sort(), [
    'beta',
    'global',
    'histogram',
    'isotonic',
    'matrix',
    'offloading',
    'per-branch',
    'platt',
    'temperature',
    'torch-lbfgs',
    'vector',
  ]);
  const labels = METHOD_IDS.map(methodLabel);
  assert.equal(new Set(labels).size, labels.length);
  assert.deepEqual(METHOD_IDS.filter((m) => CALIBRATION_METHODS[m].needsPTar).sort(), [
    'global',
    'offloading',
    'per-branch',
  ]);
  assert.equal(methodLabel('temperature'), 'TS per exit');
  assert.equal(methodLabel('uncalibrated'), 'uncalibrated');
  for (const m of METHOD_IDS) assert.ok(CALIBRATION_METHODS[m].describe.length > 10, m);
});

test('fits through the registry: temperature = exact per-exit T; torch-lbfgs stops short of it; the file names the method id', () => {
  const val = syntheticRecords({ numSamples: 800, seed: 5 });
  const ts = calibrateRecords(val, 'temperature');
  const lb = calibrateRecords(val, 'torch-lbfgs');
  assert.equal(ts.file!.method, 'temperature');
  assert.equal(lb.file!.method, 'torch-lbfgs');
  for (let e = 0; e < val.numExits; e++) {
    const exact = fitTemperatureExact(val.logits[e], val.labels, val.numClasses).temperature;
    const a = ts.file!.exits[e].calibrator;
    const b = lb.file!.exits[e].calibrator;
    assert.ok(a.kind === 'temperature' && b.kind === 'temperature');
    assert.equal(a.temperature, exact);
    assert.ok(
      Math.abs(b.temperature - 1.5) < Math.abs(exact - 1.5),
      `exit ${e + 1}: torch-lbfgs T ${b.temperature}, exact ${exact}`,
    );
  }
});

test('library errors name option fields; the CLI maps them to flags', () => {
  const val = syntheticRecords({ numSamples: 100, seed: 6 });
  let err: unknown;
  try {
    calibrateRecords(val, 'per-branch');
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof OptionError);
  assert.deepEqual(err.fields, ['method', 'pTar']);
  assert.match(err.message, /^method per-branch needs pTar/);
  assert.doesNotMatch(err.message, /--/);
  assert.match(flagMessage(err), /^--method per-branch needs --p-tar/);
  assert.throws(
    () => withFlags(() => calibrationMethod('bogus')),
    (e: unknown) =>
      e instanceof ConfigError && /^--method "bogus": expected one of temperature/.test((e as Error).message),
  );
  assert.throws(
    () => withFlags(() => calibrateRecords(val, 'offloading', { pTar: 0.8 })),
    /--method offloading needs --beta and the latency model/,
  );
});

test('describeState: short parameter text per kind', () => {
  assert.equal(describeState({ kind: 'temperature', temperature: 1.23456 }), 'T = 1.235');
  assert.equal(describeState({ kind: 'identity' }), 'identity');
  assert.equal(describeState({ kind: 'platt', a: 2, b: -0.5 }), 'a = 2.000, b = -0.5000');
  assert.equal(describeState({ kind: 'isotonic', x: [0.1, 0.5], y: [0.2, 0.6] }), '2 knots');
});
