import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { nativeSoftmax, type NativeSoftmax } from '../../src/backend/nativeBlas';
import { readRecords } from '../../src/records/csv';
import { resampledNllInT } from '../../src/study/stats/resampledNll';
import { shiftedRows } from '../../src/study/stats/refitKeys';
import { drawIndices } from '../../src/study/stats/resample';
import { torchLbfgsTemperature } from '../../src/calibration/torchLbfgs';
import { createRng } from '../../src/util/rng';
import { repoRoot } from '../../src/util/repoRoot';
import { plantedRecords } from '../study/plantedRecords';

/**
 * The native softmax kernels (the torch-lbfgs objective, max-softmax confidences) must give the JavaScript objective's numbers bit for bit (the
 * bootstrap's outputs may not depend on whether the addon is built): V8's exp and log, element by
 * element, on both of its code paths (AVX-512 lanes and scalar C), and the whole objective on
 * planted and shipped records. CI also runs this file against the ASan+UBSan build.
 */
const kernel = nativeSoftmax();
const skip = kernel || process.env.EECAL_REQUIRE_NATIVE === '1' ? false : 'native addon not built';

/** The first index where got differs from Math.<fn> in bits (NaN equal to NaN), or -1. */
function firstMismatch(fn: 0 | 1, x: Float64Array, scalarOnly: boolean): number {
  const k = kernel as NativeSoftmax;
  const y = new Float64Array(x.length);
  k.fdlibm(fn, x, y, scalarOnly);
  for (let i = 0; i < x.length; i++) if (!Object.is(y[i], fn === 0 ? Math.exp(x[i]) : Math.log(x[i]))) return i;
  return -1;
}

function fromWords(hi: number, lo: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, hi >>> 0);
  v.setUint32(4, lo >>> 0);
  return v.getFloat64(0);
}

function check(fn: 0 | 1, x: Float64Array, what: string): void {
  for (const scalarOnly of [false, true]) {
    const i = firstMismatch(fn, x, scalarOnly);
    assert.equal(
      i,
      -1,
      `${what} (${scalarOnly ? 'scalar' : 'vector'}): differs from Math.${fn ? 'log' : 'exp'} at ${x[i]}`,
    );
  }
}

test(
  'native exp equals Math.exp bit for bit: softmax exponents, every branch boundary, overflow and underflow',
  { skip },
  () => {
    const rng = createRng(7);
    const n = 400_000;
    const wide = new Float64Array(n).map(() => -rng.next() * 700);
    const near = new Float64Array(n).map(() => -rng.next() * 3);
    const tiny = new Float64Array(n).map((_, i) => -rng.next() * 2 ** -(20 + (i % 20)));
    const all = new Float64Array(n).map(() => (rng.next() - 0.5) * 2000);
    // fdlibm branches on |x|'s high word at ln2/2, 1.5·ln2, 2^-28 and 709.78: both sides of each.
    const bounds: number[] = [
      0,
      -0,
      1,
      -1,
      -700,
      -700.0000001,
      -708.5,
      -745.1,
      -745.2,
      709.7,
      710,
      5e-324,
      -5e-324,
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const hi of [0x3fd62e42, 0x3fd62e43, 0x3ff0a2b2, 0x3ff0a2b1, 0x3e300000, 0x3e2fffff, 0x40862e42, 0x40862e41])
      for (const lo of [0, 1, 0x80000000, 0xffffffff]) bounds.push(fromWords(hi, lo), -fromWords(hi, lo));
    check(0, wide, 'x in [-700, 0]');
    check(0, near, 'x in [-3, 0]');
    check(0, tiny, 'x near 0');
    check(0, all, 'x in [-1000, 1000]');
    check(0, Float64Array.from(bounds), 'branch boundaries');
  },
);

test(
  'native log equals Math.log bit for bit: softmax sums, near powers of two, subnormals and specials',
  { skip },
  () => {
    const rng = createRng(8);
    const n = 400_000;
    const sums = new Float64Array(n).map(() => 1 + rng.next() * 9);
    const nearOne = new Float64Array(n).map(() => 1 + rng.next() * 1e-5);
    const wide = new Float64Array(n).map(() => Math.exp((rng.next() - 0.5) * 1400));
    const bounds: number[] = [
      1,
      2,
      4,
      0.5,
      Math.SQRT2,
      Math.SQRT1_2,
      0,
      -0,
      -1,
      NaN,
      Infinity,
      -Infinity,
      5e-324,
      2.2250738585072014e-308,
      1e308,
    ];
    for (let j = 0; j < 4000; j++) bounds.push(2 ** ((j % 40) - 20) * (1 + ((j % 9) - 4) * 2 ** -21));
    check(1, sums, 's in [1, 10]');
    check(1, nearOne, 's near 1');
    check(1, wide, 's over the whole range');
    check(1, Float64Array.from(bounds), 'near powers of two and special values');
  },
);

/** Every (T → loss, grad) of the native objective equals the JavaScript one's, bits included. */
function sameObjective(rows: ReturnType<typeof shiftedRows>, idx: Int32Array, temperatures: number[]): void {
  const native = resampledNllInT(rows, idx);
  const js = resampledNllInT(rows, idx, true);
  for (const T of temperatures) {
    const [a, b] = [native(T), js(T)];
    assert.ok(Object.is(a[0], b[0]) && Object.is(a[1], b[1]), `T = ${T}: native ${a} vs JavaScript ${b}`);
  }
}

test('the native torch-lbfgs objective and fit equal the JavaScript ones bit for bit', { skip }, () => {
  const val = plantedRecords({ numSamples: 997, seed: 5, sharpen: 2.3 });
  const C = val.numClasses;
  // Negative T (PyTorch leaves T unconstrained: positive exponents) and tiny T (exponents below −700).
  const temperatures = [1.5, 1.4999, 0.7, 3.2, 0.05, 1e-3, -0.8, -2, 1e300];
  for (let r = 0; r < 4; r++) {
    const idx = drawIndices(val.numSamples, createRng(300 + r));
    for (let e = 0; e < val.numExits; e++) {
      const rows = shiftedRows(val.logits[e], val.labels, C);
      sameObjective(rows, idx, temperatures);
      const a = torchLbfgsTemperature(resampledNllInT(rows, idx));
      const b = torchLbfgsTemperature(resampledNllInT(rows, idx, true));
      assert.equal(a.temperature, b.temperature);
      assert.equal(a.nll, b.nll);
    }
  }
  // The shipped validation records, where the report's verdicts refit.
  const shipped = readRecords(path.join(repoRoot(), 'models', 'b-alexnet-cifar10', 'records', 'val.csv'));
  const idx = drawIndices(shipped.numSamples, createRng(11));
  for (let e = 0; e < shipped.numExits; e++)
    sameObjective(shiftedRows(shipped.logits[e], shipped.labels, shipped.numClasses), idx, [1.5, 1.2, 2.5]);
});

test('native max-softmax confidences equal the JavaScript sum 1 / Σ exp(β·d) bit for bit', { skip }, () => {
  const k = kernel as NativeSoftmax;
  const val = plantedRecords({ numSamples: 1003, seed: 9, sharpen: 2.1 });
  const C = val.numClasses;
  for (const rowsUsed of [1000, 1003]) {
    // 1003 rows: whole groups of eight in the vector code, the last three in scalar C.
    const { shifted } = shiftedRows(val.logits[0].subarray(0, rowsUsed * C), val.labels.subarray(0, rowsUsed), C);
    const dt = new Float64Array(C * rowsUsed);
    for (let r = 0; r < rowsUsed; r++) for (let c = 0; c < C; c++) dt[c * rowsUsed + r] = shifted[r * C + c];
    for (const beta of [1 / 1.5, 1, 2.7, 40, -0.5]) {
      const want = new Float64Array(rowsUsed);
      for (let r = 0; r < rowsUsed; r++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += Math.exp(beta * shifted[r * C + c]);
        want[r] = 1 / s;
      }
      for (const scalarOnly of [false, true]) {
        const got = new Float64Array(rowsUsed);
        k.maxSoftmax(dt, C, beta, got, scalarOnly);
        const i = got.findIndex((v, j) => !Object.is(v, want[j]));
        assert.equal(i, -1, `rows ${rowsUsed}, β = ${beta}, ${scalarOnly ? 'scalar' : 'vector'}: row ${i}`);
      }
    }
  }
  assert.throws(
    () => k.maxSoftmax(new Float64Array(5), 3, 1, new Float64Array(2), false),
    /dt has 5 entries; numClasses × rows = 3 × 2 expected/,
  );
  const shared = new Float64Array(8);
  assert.throws(
    () => k.maxSoftmax(shared.subarray(0, 6), 3, 1, shared.subarray(5, 7), false),
    /conf shares memory with dt/,
  );
});

test('the native objective refuses malformed arguments with a message naming them', { skip }, () => {
  const k = kernel as NativeSoftmax;
  const f64 = (n: number) => new Float64Array(n);
  const drawn = Int32Array.from([0, 1, 1]);
  // 2 rows × 3 classes.
  const ok = () => k.temperatureNll(f64(6), f64(2), 3, drawn, 1, f64(4), f64(2), false);
  assert.doesNotThrow(ok);
  assert.throws(
    () => k.temperatureNll(f64(5), f64(2), 3, drawn, 1, f64(4), f64(2), false),
    /dt has 5 entries; numClasses × rows = 3 × 2 expected/,
  );
  assert.throws(
    () => k.temperatureNll(f64(6), f64(2), 0, drawn, 1, f64(4), f64(2), false),
    /numClasses must be an integer from 1/,
  );
  assert.throws(
    () => k.temperatureNll(f64(6), f64(2), 3, Int32Array.from([0, 2]), 1, f64(4), f64(2), false),
    /drawn\[1\] = 2: expected a row number from 0 to 1/,
  );
  assert.throws(
    () => k.temperatureNll(f64(6), f64(2), 3, Int32Array.from([-1]), 1, f64(4), f64(2), false),
    /drawn\[0\] = -1/,
  );
  assert.throws(
    () => k.temperatureNll(f64(6), f64(2), 3, drawn, 1, f64(3), f64(2), false),
    /scratch has 3 entries; 2 × rows = 2 × 2 needed/,
  );
  assert.throws(
    () => k.temperatureNll(f64(6), f64(2), 3, drawn, 1, f64(4), f64(1), false),
    /sums has 1 entries; 2 needed/,
  );
  assert.throws(
    () => k.temperatureNll(new Float32Array(6) as never, f64(2), 3, drawn, 1, f64(4), f64(2), false),
    /dt must be a Float64Array/,
  );
  assert.throws(
    () => k.temperatureNll(f64(6), f64(2), 3, drawn, 'x' as never, f64(4), f64(2), false),
    /beta must be a number/,
  );
  assert.throws(() => k.temperatureNll(f64(6), f64(2), 3, drawn, 1, f64(4), f64(2), 2 as never), /scalarOnly must be/);
  const shared = f64(8);
  assert.throws(
    () => k.temperatureNll(shared.subarray(0, 6), f64(2), 3, drawn, 1, shared.subarray(4, 8), f64(2), false),
    /scratch shares memory with an input/,
  );
  assert.throws(() => k.fdlibm(2 as never, f64(1), f64(1), false), /fn must be 0 \(exp\) or 1 \(log\)/);
  assert.throws(() => k.fdlibm(0, f64(2), f64(1), false), /y has 1 entries; x has 2/);
});
