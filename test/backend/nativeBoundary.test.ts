import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { loadNativeBlas, nativeBlasPath, type NativeBlas } from '../../src/backend/nativeBlas';
import { repoRoot } from '../../src/util/repoRoot';

/**
 * The native addon's boundary, called directly as a careless or hostile caller would: every
 * malformed geometry, size, code and thread count must throw a JavaScript error, never crash or
 * touch memory outside the arrays. CI also runs this file against the ASan+UBSan build
 * (`native/build.sh --sanitize`), where an out-of-bounds access or integer overflow aborts.
 */
const status = loadNativeBlas();
const skip = status.loaded || process.env.EECAL_REQUIRE_NATIVE === '1' ? false : `native kernels ${status.detail}`;
const I32_MAX = 2 ** 31 - 1;

function geom(...v: number[]): Int32Array {
  return Int32Array.from(v);
}
const f32 = (n: number) => new Float32Array(n);

test('native boundary: geometry whose sizes overflow or do not fit BLAS is refused', { skip }, () => {
  const m = status.loaded as NativeBlas;
  // A call that once segfaulted: B·H·W·Ci = 2^64 wraps to 0 in size_t. Its OH = 1 does not follow from H = 65536.
  assert.throws(
    () =>
      m.conv2d(f32(1), f32(65536), f32(65536), geom(65536, 65536, 65536, 65536, 1, 1, 1, 1, 1, 1, 1, 0, 0), null, 0),
    /conv2d geometry: output height 1 does not follow from input 65536, window 1, stride 1, pad 0 \(expected 65536\.\.65536\)/,
  );
  // The same sizes, self-consistent: the product itself must be refused.
  const big = geom(65536, 65536, 65536, 65536, 65536, 65536, 1, 1, 1, 1, 1, 0, 0);
  for (const call of [
    () => m.conv2d(f32(1), f32(1), f32(1), big, null, 0),
    () => m.conv2dBackpropFilter(f32(1), f32(1), f32(1), big),
    () => m.conv2dBackpropInput(f32(1), f32(1), f32(1), big),
  ])
    assert.throws(call, /geometry: an array size \(B·H·W·Ci, B·OH·OW·Co or KH·KW·Ci·Co\) exceeds \d+ floats/);
  // KH·KW·Ci = 2^32 and OH·OW = 2^32: each exceeds BLAS's int although no array size overflows.
  assert.throws(
    () => m.conv2d(f32(1), f32(1), f32(1), geom(1, 1, 1, 2 ** 30, 1, 1, 1, 2, 2, 1, 1, 1, 1), null, 0),
    /KH·KW·Ci = 4294967296 and OH·OW = 1 must each be at most 2147483647 \(BLAS's int\)/,
  );
  assert.throws(
    () => m.conv2dBackpropFilter(f32(1), f32(1), f32(1), geom(1, 65536, 65536, 1, 65536, 65536, 1, 1, 1, 1, 1, 0, 0)),
    /KH·KW·Ci = 1 and OH·OW = 4294967296 must each be at most 2147483647/,
  );
  assert.throws(
    () =>
      m.maxPoolGrad(f32(1), f32(1), f32(1), f32(1), geom(65536, 65536, 65536, 65536, 65536, 65536, 1, 1, 1, 1, 0, 0)),
    /maxPoolGrad pool geometry: B·H·W·C or B·OH·OW·C exceeds/,
  );
});

test('native boundary: output sizes must follow from input, window, stride and pad', { skip }, () => {
  const m = status.loaded as NativeBlas;
  // x [1,5,5,1], 3×3 window, stride 1, no pad: OH from 3 ('valid') to 5 (a trailing pad < window).
  const ok = (oh: number, ow: number, pt = 0, pl = 0) => geom(1, 5, 5, 1, oh, ow, 1, 3, 3, 1, 1, pt, pl);
  assert.doesNotThrow(() => m.conv2d(f32(25), f32(9), f32(9), ok(3, 3), null, 0));
  assert.throws(
    () => m.conv2d(f32(25), f32(9), f32(4), ok(2, 2), null, 0),
    /output height 2 does not follow from input 5, window 3, stride 1, pad 0 \(expected 3\.\.5\)/,
  );
  assert.throws(
    () => m.conv2d(f32(25), f32(9), f32(36), ok(5, 6), null, 0),
    /output width 6 does not follow .* \(expected 3\.\.5\)/,
  );
  assert.throws(
    () => m.conv2d(f32(25), f32(9), f32(81), ok(9, 9, 3, 0), null, 0),
    /the height pad 3 must be smaller than the window \(3\)/,
  );
  assert.throws(
    () => m.conv2dBackpropInput(f32(9), f32(9), f32(25), ok(3, 3, 0, 4)),
    /conv2dBackpropInput geometry: the width pad 4 must be smaller/,
  );
  // A stride of 2^31−1: window positions are formed in 64 bits. OW = 2 cannot follow from W = 4…
  assert.throws(
    () => m.conv2d(f32(16), f32(1), f32(4), geom(1, 4, 4, 1, 2, 2, 1, 1, 1, I32_MAX, I32_MAX, 0, 0), null, 0),
    /output height 2 does not follow from input 4, window 1, stride 2147483647/,
  );
  // …but OH = OW = 1 does, and computes y = x[0,0]·w.
  const y = f32(1);
  m.conv2d(
    Float32Array.from([3, 5, 7, 11]),
    Float32Array.from([2]),
    y,
    geom(1, 2, 2, 1, 1, 1, 1, 1, 1, I32_MAX, I32_MAX, 0, 0),
    null,
    0,
  );
  assert.equal(y[0], 6);
  // Pools: the same rule (2×2 window, stride 2 on 4×4: OH = 2).
  const pool = (oh: number, pt = 0) => geom(1, 4, 4, 1, oh, 2, 2, 2, 2, 2, pt, 0);
  assert.doesNotThrow(() => m.maxPoolGrad(f32(16), f32(4), f32(4), f32(16), pool(2)));
  assert.throws(
    () => m.maxPoolGrad(f32(16), f32(8), f32(8), f32(16), pool(4)),
    /maxPoolGrad pool geometry: output height 4 does not follow .* \(expected 2\.\.2\)/,
  );
  assert.throws(
    () => m.maxPoolGrad(f32(16), f32(8), f32(8), f32(16), pool(2, 2)),
    /maxPoolGrad pool geometry: the height pad 2 must be smaller than the window \(2\)/,
  );
  // Entries below their minimum, and a negative one (int32 −1).
  assert.throws(
    () => m.conv2d(f32(25), f32(9), f32(9), geom(1, 5, 5, 1, 3, 3, 1, 3, 3, 0, 1, 0, 0), null, 0),
    /entries must be ≥ 1 \(the last two ≥ 0\); entry 9 is 0/,
  );
  assert.throws(
    () => m.maxPoolGrad(f32(16), f32(4), f32(4), f32(16), geom(1, 4, 4, 1, 2, 2, 2, 2, 2, 2, -1, 0)),
    /entry 10 is -1/,
  );
});

test('native boundary: array lengths, types, aliasing, activation codes', { skip }, () => {
  const m = status.loaded as NativeBlas;
  const g = geom(1, 4, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1);
  assert.throws(() => m.conv2d(f32(32), f32(54), f32(47), g, null, 0), /conv2d y has 47 floats; the geometry needs 48/);
  assert.throws(
    () => m.conv2d(f32(32), f32(54), f32(48), g, f32(2), 0),
    /conv2d bias has 2 floats; the geometry needs 3/,
  );
  assert.throws(
    () => m.conv2dBackpropFilter(new Float64Array(32) as unknown as Float32Array, f32(48), f32(54), g),
    /conv2dBackpropFilter x must be a Float32Array/,
  );
  assert.throws(
    () => m.conv2dBackpropInput(f32(48), f32(54), f32(32), geom(1, 4, 4)),
    /geometry must be an Int32Array/,
  );
  assert.throws(
    () => m.maxPoolGrad(f32(32), f32(8), f32(8), f32(31), geom(1, 4, 4, 2, 2, 2, 2, 2, 2, 2, 0, 0)),
    /maxPoolGrad dx has 31 floats; the geometry needs 32/,
  );
  assert.throws(
    () => (m.conv2d as (...a: unknown[]) => void)(f32(32), f32(54), f32(48), g),
    /conv2d takes 6 arguments/,
  );
  // An output that shares memory with an input (views of one buffer) would be read while written.
  const heap = f32(200);
  assert.throws(
    () => m.conv2d(heap.subarray(0, 32), f32(54), heap.subarray(16, 64), g, null, 0),
    /conv2d y shares memory with x/,
  );
  assert.throws(
    () => m.conv2d(f32(32), f32(54), heap.subarray(0, 48), g, heap.subarray(40, 43), 1),
    /conv2d y shares memory with bias/,
  );
  assert.throws(
    () => m.conv2dBackpropInput(heap.subarray(0, 48), f32(54), heap.subarray(47, 79), g),
    /conv2dBackpropInput dx shares memory with dy/,
  );
  assert.throws(
    () =>
      m.maxPoolGrad(
        heap.subarray(0, 32),
        f32(8),
        f32(8),
        heap.subarray(31, 63),
        geom(1, 4, 4, 2, 2, 2, 2, 2, 2, 2, 0, 0),
      ),
    /maxPoolGrad dx shares memory with x/,
  );
  assert.doesNotThrow(
    () => m.conv2d(heap.subarray(0, 32), f32(54), heap.subarray(32, 80), g, null, 0),
    'adjacent views do not overlap',
  );
  // Activation codes: only 0, 1, 2 (an unknown code used to act as linear).
  for (const act of [3, -1, 1.5, Number.NaN, '1', null]) {
    assert.throws(
      () => m.conv2d(f32(32), f32(54), f32(48), g, null, act as number),
      /conv2d activation must be 0 \(linear\), 1 \(relu\) or 2 \(relu6\)/,
      String(act),
    );
  }
});

test('native boundary: LRN and its gradient check channels, parameters, lengths and aliasing', { skip }, () => {
  const m = status.loaded as NativeBlas;
  const ok = [3, 1, 2, 5e-5, 0.75] as const;
  assert.doesNotThrow(() => m.lrn(f32(12), f32(12), ...ok));
  for (const [args, re] of [
    [[0, 1, 2, 5e-5, 0.75], /lrn channels must be a whole number from 1 to 2147483647/],
    [[2.5, 1, 2, 5e-5, 0.75], /lrn channels must be a whole number/],
    [[3, -1, 2, 5e-5, 0.75], /lrn depthRadius must be a whole number from 0 to 1048576/],
    [[3, 2 ** 21, 2, 5e-5, 0.75], /lrn depthRadius must be a whole number from 0 to 1048576/],
    [[3, 1, Number.NaN, 5e-5, 0.75], /lrn bias must be a finite number/],
    [[3, 1, 2, Infinity, 0.75], /lrn alpha must be a finite number/],
    [[3, 1, 2, 5e-5, '0.75'], /lrn beta must be a finite number/],
  ] as const) {
    assert.throws(() => (m.lrn as (...a: unknown[]) => void)(f32(12), f32(12), ...args), re, JSON.stringify(args));
  }
  assert.throws(() => m.lrn(f32(13), f32(13), ...ok), /lrn x has 13 floats, not a whole number of 3-channel pixels/);
  assert.throws(() => m.lrn(f32(12), f32(9), ...ok), /lrn y has 9 floats; x has 12/);
  assert.throws(() => m.lrnGrad(f32(12), f32(12), f32(12), f32(15), ...ok), /lrnGrad dx has 15 floats; x has 12/);
  const heap = f32(48);
  assert.throws(() => m.lrn(heap.subarray(0, 12), heap.subarray(6, 18), ...ok), /lrn y shares memory with x/);
  assert.throws(
    () => m.lrnGrad(f32(12), f32(12), heap.subarray(0, 12), heap.subarray(11, 23), ...ok),
    /lrnGrad dx shares memory with dy/,
  );
  assert.throws(
    () => (m.lrnGrad as (...a: unknown[]) => void)(f32(12), f32(12), f32(12), f32(12), 3),
    /lrnGrad takes 9 arguments/,
  );
  // One pixel of 3 channels by hand: norm = 2 + 0.5·(window sum of squares), y = x·norm^−0.75.
  const y = f32(3);
  m.lrn(Float32Array.from([1, 2, 3]), y, 3, 1, 2, 0.5, 0.75);
  const want = [1 * (2 + 0.5 * 5) ** -0.75, 2 * (2 + 0.5 * 14) ** -0.75, 3 * (2 + 0.5 * 13) ** -0.75];
  want.forEach((v, i) => assert.ok(Math.abs(y[i] - v) <= 1e-6 * Math.abs(v), `y[${i}] = ${y[i]}, expected ${v}`));
});

test('native boundary: sumRows checks its row length, lengths and aliasing, and sums', { skip }, () => {
  const m = status.loaded as NativeBlas;
  const out = f32(3);
  m.sumRows(Float32Array.from([1, 2, 3, 10, 20, 30, 100, 200, 300, 1000, 2000, 3000, 0.5, 0.25, 0.125]), out);
  assert.deepEqual([...out], [1111.5, 2222.25, 3333.125]);
  assert.throws(() => m.sumRows(f32(7), f32(3)), /sumRows x has 7 floats, not a whole number of 3-channel pixels/);
  assert.throws(() => m.sumRows(f32(6), f32(0)), /sumRows out must have at least 1 float/);
  const heap = f32(12);
  assert.throws(() => m.sumRows(heap.subarray(0, 9), heap.subarray(8, 11)), /sumRows out shares memory with x/);
  assert.throws(() => (m.sumRows as (...a: unknown[]) => void)(f32(6)), /sumRows takes 2 arguments/);
});

test('native boundary: matMul checks its dims, lengths and aliasing, and multiplies', { skip }, () => {
  const m = status.loaded as NativeBlas;
  // [[1,2],[3,4]]ᵀ · [[5,6],[7,8]] = [[26,30],[38,44]]
  const out = f32(4);
  m.matMul(Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 6, 7, 8]), out, geom(1, 2, 2, 2, 1, 0));
  assert.deepEqual([...out], [26, 30, 38, 44]);
  assert.throws(
    () => m.matMul(f32(4), f32(4), f32(4), geom(1, 2, 2, 2, 2, 0)),
    /matMul dims: transposeA and transposeB must be 0 or 1/,
  );
  assert.throws(
    () => m.matMul(f32(4), f32(4), f32(4), geom(1, 0, 2, 2, 0, 0)),
    /matMul dims \[batch,M,K,N,transposeA,transposeB\]: entries must be ≥ 1/,
  );
  assert.throws(
    () => m.matMul(f32(1), f32(1), f32(1), geom(I32_MAX, I32_MAX, I32_MAX, 1, 0, 0)),
    /matMul dims: an array size exceeds/,
  );
  assert.throws(
    () => m.matMul(f32(1), f32(1), f32(1), geom(1, 2 ** 31 - 1, 1, 2, 0, 0)),
    /matMul a has 1 floats; the geometry needs 2147483647/,
  );
  assert.throws(
    () => m.matMul(f32(4), f32(4), f32(3), geom(1, 2, 2, 2, 0, 0)),
    /matMul out has 3 floats; the geometry needs 4/,
  );
  const heap = f32(16);
  assert.throws(
    () => m.matMul(heap.subarray(0, 4), f32(4), heap.subarray(3, 7), geom(1, 2, 2, 2, 0, 0)),
    /matMul out shares memory with a/,
  );
});

test('native boundary: BLAS threads are bounded and set once per process', { skip }, () => {
  const m = status.loaded as NativeBlas;
  const { maxThreads, threads } = m.info();
  assert.ok(maxThreads >= 1 && maxThreads <= 64, `maxThreads ${maxThreads}`);
  assert.equal(threads, 1, 'loadNativeBlas set 1 thread (EECAL_BLAS_THREADS unset)');
  for (const n of [0, -2, 1.5, maxThreads + 1, 65, 1e9, Number.NaN]) {
    assert.throws(
      () => m.setThreads(n),
      new RegExp(`BLAS threads must be a whole number from 1 to ${maxThreads} \\(the CPUs online, at most 64\\)`),
      String(n),
    );
  }
  m.setThreads(1); // the same count again: a no-op (every worker does this)
  if (maxThreads >= 2)
    assert.throws(
      () => m.setThreads(2),
      /BLAS threads are already 1 in this process \(set once, by the first load\); cannot change to 2/,
    );
  assert.throws(
    () => loadNativeBlas({ EECAL_BLAS_THREADS: '65' }),
    new RegExp(`^BackendError: EECAL_BLAS_THREADS="65": BLAS threads must be a whole number from 1 to ${maxThreads}`),
  );
  for (const bad of ['0', 'two', '1.5', '']) {
    assert.throws(
      () => loadNativeBlas({ EECAL_BLAS_THREADS: bad }),
      new RegExp(`EECAL_BLAS_THREADS="${bad}": expected a whole number ≥ 1`),
    );
  }
  assert.throws(
    () => loadNativeBlas({ EECAL_NATIVE_CONV: 'mkl' }),
    /^BackendError: EECAL_NATIVE_CONV="mkl": expected onednn or openblas/,
  );
  assert.deepEqual(loadNativeBlas({ EECAL_NATIVE: '0' }), { loaded: null, detail: 'off (EECAL_NATIVE=0)' });
  assert.match(
    loadNativeBlas({ EECAL_NATIVE_ADDON: '/nonexistent/eecal_blas.node' }).detail,
    /^not found: EECAL_NATIVE_ADDON=\/nonexistent/,
  );
  // In a fresh process the first count wins, and workers asking for it again are fine.
  const script = `const m = require(${JSON.stringify(nativeBlasPath())}); m.setThreads(${maxThreads}); m.setThreads(${maxThreads}); console.log(m.info().threads);`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: repoRoot() });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), String(maxThreads));
});

test('native boundary: the module loads any number of times, in any number of threads', { skip }, () => {
  // Each load used to register the same environment cleanup hook again, which Node aborts on
  // (exit 134), taking the whole process down also from a worker. Run in a child process so a
  // regression fails this test instead of killing the runner.
  // Workers get the same code as an eval'd string; the main thread collects their sums.
  const code = `
    const { Worker, isMainThread, parentPort } = require('node:worker_threads');
    const file = ${JSON.stringify(nativeBlasPath())};
    function loadAndRun(times) {
      let y;
      for (let i = 0; i < times; i++) {
        delete require.cache[file];
        const m = require(file);
        m.setThreads(1);
        y = new Float32Array(1);
        m.conv2d(Float32Array.from([1, 2, 3, 4]), Float32Array.from([1, 1, 1, 1]), y, Int32Array.from([1, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 0, 0]), null, 0);
      }
      return y[0];
    }
    if (isMainThread) {
      const sums = [loadAndRun(4)];
      const workers = Array.from({ length: 4 }, () => new Worker(process.env.EECAL_TEST_CODE, { eval: true }));
      Promise.all(workers.map((w, i) => new Promise((resolve, reject) => {
        w.on('message', (s) => { sums.push(s); if (i === 3) w.terminate().then(resolve, reject); });
        w.on('error', reject);
        w.on('exit', () => resolve());
      }))).then(() => console.log(sums.join(',')), (e) => { console.error(e); process.exit(1); });
    } else {
      parentPort.postMessage(loadAndRun(3));
    }`;
  const r = spawnSync(process.execPath, ['-e', code], {
    encoding: 'utf8',
    cwd: repoRoot(),
    env: { ...process.env, EECAL_TEST_CODE: code },
  });
  assert.equal(r.status, 0, `exit ${r.status} (signal ${r.signal}): ${r.stderr.slice(-2000)}`);
  assert.equal(r.stdout.trim(), '10,10,10,10,10');
});

test('native boundary: adamUpdate checks lengths, aliasing, constants and decay, and updates', { skip }, () => {
  const m = status.loaded as NativeBlas;
  const adam = m.adamUpdate!.bind(m);
  // One step by hand from m = v = 0, β = (0.5, 0.75), so 1−βᵗ = (0.5, 0.25): m' = g/2, v' = g²/4,
  // m̂ = g, v̂ = g², w' = w − lr·g/(|g| + ε). With ε = 0, lr = 0.25: w' = w − 0.25·sign(g).
  const k = Float32Array.from([0.5, 0.75, 0.5, 0.25, 0.5, 0.25, 0, -0.25, 0]);
  const w = Float32Array.from([1, 2, 3]);
  const mm = f32(3),
    vv = f32(3);
  adam(w, Float32Array.from([4, -2, 0.5]), mm, vv, k, 0);
  assert.deepEqual([...w], [0.75, 2.25, 2.75]);
  assert.deepEqual([...mm], [2, -1, 0.25]);
  assert.deepEqual([...vv], [4, 1, 0.0625]);
  assert.throws(
    () => adam(f32(3), f32(2), f32(3), f32(3), k, 0),
    /adamUpdate g has 2 floats; w has 3 \(one per weight\)/,
  );
  assert.throws(() => adam(f32(3), f32(3), f32(4), f32(3), k, 0), /adamUpdate m has 4 floats; w has 3/);
  const heap = f32(12);
  assert.throws(
    () => adam(heap.subarray(0, 3), f32(3), heap.subarray(2, 5), f32(3), k, 0),
    /adamUpdate w shares memory with m/,
  );
  assert.throws(
    () => adam(f32(3), heap.subarray(6, 9), f32(3), heap.subarray(8, 11), k, 0),
    /adamUpdate v shares memory with g/,
  );
  assert.throws(
    () => adam(f32(3), f32(3), f32(3), f32(3), f32(8), 0),
    /adamUpdate constants has 8 floats; the geometry needs 9/,
  );
  assert.throws(
    () => adam(f32(3), f32(3), f32(3), f32(3), Float32Array.from([...k.slice(0, 4), Infinity, ...k.slice(5)]), 0),
    /adamUpdate constants\[4\] must be finite/,
  );
  assert.throws(() => adam(f32(3), f32(3), f32(3), f32(3), k, 2 as 0), /adamUpdate decay must be 0 or 1/);
  assert.throws(
    () => (adam as (...a: unknown[]) => void)(new Float64Array(3), f32(3), f32(3), f32(3), k, 0),
    /adamUpdate w must be a Float32Array/,
  );
  assert.throws(
    () => (adam as (...a: unknown[]) => void)(f32(3), f32(3), f32(3), f32(3), k),
    /adamUpdate takes 6 arguments/,
  );
});
