import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CALIBRATOR_KINDS, calibratorFromJSON, createCalibrator, type CalibratorKind } from '../../src/calibration';
import { NotFittedError, RecordFormatError } from '../../src/errors';
import { maxAbsDiff, referenceData } from './reference';

test('every kind round-trips through toJSON → JSON text → calibratorFromJSON with identical probabilities', () => {
  const { C, z, y, zTest } = referenceData();
  assert.deepEqual([...CALIBRATOR_KINDS].sort(), [
    'beta',
    'histogram',
    'identity',
    'isotonic',
    'matrix',
    'platt',
    'temperature',
    'vector',
  ]);
  for (const kind of CALIBRATOR_KINDS) {
    const cal = createCalibrator(kind).fit(z, y, C);
    assert.equal(cal.kind, kind);
    const state = JSON.parse(JSON.stringify(cal.toJSON()));
    assert.equal(state.kind, kind);
    const loaded = calibratorFromJSON(state, C);
    assert.ok(loaded.fitted && loaded.report === null);
    assert.equal(maxAbsDiff(loaded.probabilities(zTest), cal.probabilities(zTest)), 0, kind);
  }
});

test('every kind throws NotFittedError before fit, and fit resets a previous fit', () => {
  const { C, z, y } = referenceData();
  for (const kind of CALIBRATOR_KINDS) {
    const cal = createCalibrator(kind);
    assert.equal(cal.fitted, false);
    assert.throws(() => cal.probabilities(z), NotFittedError, kind);
    assert.throws(() => cal.toJSON(), NotFittedError, kind);
    cal.fit(z, y, C);
    assert.throws(
      () =>
        cal.fit(
          z,
          Int32Array.from(y, () => 9),
          C,
        ),
      /label of sample 0 is 9/,
    );
    assert.equal(cal.fitted, false, `${kind}: a failed refit leaves the calibrator unfitted, not half-updated`);
  }
});

test('malformed states are RecordFormatErrors naming the field', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ kind: 'magic' }, /"kind" "magic" is not one of identity, temperature/],
    [null, /"kind" null/],
    [{ kind: 'temperature', temperature: -1 }, /"temperature" must be a JSON number in \[0.001, 1000\], found -1/],
    [{ kind: 'temperature' }, /"temperature" must be a JSON number in \[0.001, 1000\], found undefined/],
    [{ kind: 'vector', weights: [1, 2], biases: [0, 0] }, /"weights" and "biases" must be 3 finite numbers each/],
    [{ kind: 'matrix', weights: [[1, 0, 0]], biases: [0, 0, 0], lambda: 0, mu: 0 }, /"weights" must be 3×3/],
    [{ kind: 'histogram', edges: [0, 0.5], values: [0.1, 0.2] }, /"edges" must rise from 0 to 1/],
    [{ kind: 'isotonic', x: [0.5, 0.4], y: [0, 1] }, /"x" must be increasing/],
    [{ kind: 'platt', a: 'x', b: 0 }, /"a" and "b" must be finite numbers/],
    [{ kind: 'beta', a: 1, b: 1 }, /"a", "b" and "m" must be finite numbers/],
  ];
  for (const [state, re] of cases) {
    assert.throws(
      () => calibratorFromJSON(state as never, 3),
      (e: unknown) => e instanceof RecordFormatError && re.test((e as Error).message),
      JSON.stringify(state),
    );
  }
  assert.throws(() => createCalibrator('magic' as CalibratorKind), /unknown calibrator kind "magic"/);
});
