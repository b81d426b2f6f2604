import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nativeSmoothSums, type NativeSmoothSums } from '../../src/backend/nativeBlas';
import { clearSharedBandwidths, jsSmoothSums, type SmoothSumKernels } from '../../src/metrics/resampledSmoothEce';
import { resampledExitMetrics } from '../../src/metrics/resampledExitMetrics';
import { createRng } from '../../src/util/rng';
import { resampleCases, resampleIndices } from '../metrics/fixtures/resampledMetricCases';

/**
 * The addon's smooth-ECE loops (native/eecal_smooth.c) must return the JavaScript loops' numbers
 * bit for bit, on both code paths (AVX-512 and scalar C): `metrics --bootstrap` prints the same
 * intervals with or without the addon. Each kernel is compared with jsSmoothSums on random inputs
 * and on real bandwidths (narrow kernels and kernels wider than the grid, where the mirrored taps
 * matter), the whole resampler with the recorded values, and every malformed call must throw
 * without writing. CI also runs this file against the ASan+UBSan build.
 */
const avx = nativeSmoothSums();
const scalar = nativeSmoothSums(process.env, true);
const skip = avx || process.env.EECAL_REQUIRE_NATIVE === '1' ? false : 'native addon not built';
const paths: Array<[string, () => NativeSmoothSums]> = [
  ['AVX-512 path', () => avx as NativeSmoothSums],
  ['scalar C', () => scalar as NativeSmoothSums],
];

function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

/** A bandwidth as resampledSmoothEce builds it: kernel taps, evaluation points, interpolation weights. */
function bandwidth(sigma: number, G: number) {
  const last = G - 1;
  const tg = Float64Array.from({ length: G }, (_, j) => j * (1 / last));
  tg[last] = 1;
  const norm = Math.sqrt(2 * Math.PI) * sigma;
  const ker = new Float64Array(G);
  for (let j = 0; j < G; j++) {
    const d = tg[j] - 0.5;
    if (Math.abs(d) <= 12 * sigma) ker[j] = Math.exp(-(d * d) / (2 * (sigma * sigma))) / norm;
  }
  let jLo = 0;
  while (ker[jLo] === 0) jLo++;
  let jHi = last;
  while (ker[jHi] === 0) jHi--;
  const E = Math.max(Math.round(10 / sigma), 200);
  const lower = new Int32Array(E);
  const w = new Float64Array(E);
  const rho = new Float64Array(G);
  for (let k = 0; k < E; k++) {
    const t = k === E - 1 ? 1 : k * (1 / (E - 1));
    let b = Math.trunc(t * last);
    if (b > G - 2) b = G - 2;
    lower[k] = b;
    w[k] = (t - b * (1 / last)) / (1 / last);
    rho[b] += 1 - w[k];
    rho[b + 1] += w[k];
  }
  return { ker, jLo, jHi, E, lower, w, rho };
}

const BANDWIDTHS: Array<[number, number]> = [
  [0.0293, 1001],
  [0.035, 1001],
  [0.127, 1001],
  [0.3, 1001],
  [1, 1001],
  [0.25, 9],
  [0.006, 1667],
];

test('column masses and cosine gains equal the JavaScript loops bit for bit', { skip }, () => {
  for (const [name, get] of paths) {
    const k = get();
    for (const [sigma, G] of BANDWIDTHS) {
      const { ker, jLo, jHi, rho } = bandwidth(sigma, G);
      const want = new Float64Array(G);
      const got = new Float64Array(G);
      jsSmoothSums.columnMasses(ker, rho, jLo, jHi, want);
      k.columnMasses(ker, rho, jLo, jHi, got);
      sameBits(got, want, `${name}, σ = ${sigma}, G = ${G}, column masses`);
      if (G % 2 === 0) continue;
      const L = G - 1;
      const half = L / 2;
      const cosL = Float64Array.from({ length: 2 * L }, (_, j) => Math.cos((Math.PI * j) / L));
      const hs = Float64Array.from({ length: half + 1 }, (_, d) => (ker[half + d] + ker[half - d]) / 2);
      let reach = 0;
      hs.forEach((v, d) => {
        if (v !== 0) reach = d;
      });
      const h2 = hs.map((v) => 2 * v);
      const gWant = new Float64Array(L + 1);
      const gGot = new Float64Array(L + 1);
      jsSmoothSums.cosineGains(hs, h2, cosL, reach, L, gWant);
      k.cosineGains(hs, h2, cosL, reach, L, gGot);
      sameBits(gGot, gWant, `${name}, σ = ${sigma}, gains`);
    }
  }
});

test('weight rows equal the JavaScript loop bit for bit, bands included', { skip }, () => {
  for (const [name, get] of paths) {
    const k = get();
    for (const [sigma, G] of BANDWIDTHS) {
      const { ker, E, lower, w } = bandwidth(sigma, G);
      const nodes = Int32Array.from(new Set([0, 1, 2, G >> 1, G - 3, G - 2, G - 1].filter((u) => u >= 0 && u < G)));
      const offset = new Int32Array(G).fill(-1);
      nodes.forEach((u, r) => (offset[u] = r * E));
      const run = (kk: SmoothSumKernels) => {
        const lo = new Int32Array(G);
        const hi = new Int32Array(G);
        const rows = new Float64Array(nodes.length * E);
        kk.weightRows(ker, lower, w, nodes, nodes.length, offset, lo, hi, rows);
        return { lo, hi, rows };
      };
      const want = run(jsSmoothSums);
      const got = run(k);
      sameBits(got.rows, want.rows, `${name}, σ = ${sigma}, rows`);
      sameBits(got.lo, want.lo, `${name}, σ = ${sigma}, band starts`);
      sameBits(got.hi, want.hi, `${name}, σ = ${sigma}, band ends`);
      assert.ok(
        want.hi.some((h) => h > 0),
        'some row is nonzero',
      );
    }
  }
});

test('mode sums and dense sums equal the JavaScript loops bit for bit', { skip }, () => {
  const rng = createRng(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  for (const [name, get] of paths) {
    const k = get();
    for (const E of [1, 7, 8, 9, 200, 341]) {
      for (const [from, to] of [
        [0, 0],
        [0, 3],
        [0, 4],
        [2, 11],
        [5, 37],
      ]) {
        const spec = Float64Array.from({ length: to + 1 }, normal);
        const phi = Float64Array.from({ length: (to + 1) * E }, normal);
        const start = Float64Array.from({ length: E + 2 }, normal);
        const a = Float64Array.from(start);
        const b = Float64Array.from(start);
        const ta = jsSmoothSums.modeSum(a, spec, phi, E, from, to);
        const tb = k.modeSum(b, spec, phi, E, from, to);
        assert.ok(Object.is(tb, ta), `${name}, E = ${E}, modes ${from}…${to}: total ${tb} vs ${ta}`);
        sameBits(b, a, `${name}, E = ${E}, modes ${from}…${to}, sums`);
      }
      // Dense: 11 cells on 9 nodes (two cells share a node), bands of every kind.
      const G = 9;
      const cells = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 3]);
      const num = Float64Array.from({ length: cells.length }, normal);
      const rowOffset = Int32Array.from({ length: G }, (_, u) => u * E);
      const rowLo = Int32Array.from({ length: G }, (_, u) => Math.min(u, E));
      const rowHi = Int32Array.from({ length: G }, (_, u) => (u === 4 ? rowLo[u] : Math.min(E, rowLo[u] + 1 + 3 * u)));
      const rowData = new Float64Array(G * E);
      for (let u = 0; u < G; u++) for (let t = rowLo[u]; t < rowHi[u]; t++) rowData[u * E + t] = normal();
      // Cosine coefficients from a cell-major table with room for 13 modes per cell.
      const cap = 13;
      const tab = Float64Array.from({ length: cells.length * cap }, normal);
      for (const [from, to] of [
        [0, 0],
        [0, 13],
        [3, 10],
        [12, 13],
      ]) {
        for (const nonzero of [0, 5, 11]) {
          const nonzeroCells = Int32Array.from({ length: nonzero }, (_, r) => (r * 7) % cells.length);
          const sa = Float64Array.from({ length: cap }, normal);
          const sb = Float64Array.from(sa);
          jsSmoothSums.specCoefficients(sa, num, nonzeroCells, nonzero, tab, cap, from, to);
          k.specCoefficients(sb, num, nonzeroCells, nonzero, tab, cap, from, to);
          sameBits(sb, sa, `${name}, modes ${from}…${to} of ${nonzero} cells, coefficients`);
        }
      }
      for (const nonzero of [0, 3, 4, 7, 11]) {
        const nonzeroCells = Int32Array.from({ length: nonzero }, (_, r) => (r * 5) % cells.length);
        const sa = Float64Array.from({ length: E }, normal);
        const sb = Float64Array.from({ length: E }, normal);
        const ta = jsSmoothSums.denseSum(sa, num, nonzeroCells, nonzero, cells, rowOffset, rowLo, rowHi, rowData, E);
        const tb = k.denseSum(sb, num, nonzeroCells, nonzero, cells, rowOffset, rowLo, rowHi, rowData, E);
        assert.ok(Object.is(tb, ta), `${name}, E = ${E}, ${nonzero} cells: total ${tb} vs ${ta}`);
        sameBits(sb, sa, `${name}, E = ${E}, ${nonzero} cells, sums`);
      }
    }
  }
});

test('spreads onto the grid equal the JavaScript loop bit for bit', { skip }, () => {
  const rng = createRng(11);
  for (const [name, get] of paths) {
    const k = get();
    for (const [N, G] of [
      [1, 3],
      [9, 5],
      [200, 1001],
      [3000, 1001],
    ]) {
      const conf = Float64Array.from({ length: N }, (_, i) => (i % 7 === 0 ? 1 : i % 11 === 0 ? 0 : rng.next()));
      const residual = Float64Array.from(conf, (c) => c - (rng.next() < c ? 1 : 0));
      const lower = Int32Array.from(conf, (c) => Math.min(Math.max(Math.trunc(c * (G - 1)), 0), G - 2));
      const frac = Float64Array.from(conf, (c, i) => c * (G - 1) - lower[i]);
      const touched = new Set<number>();
      lower.forEach((b) => (touched.add(b), touched.add(b + 1)));
      const cells = Int32Array.from([...touched].sort((a, b) => a - b));
      const cellOf = new Map([...cells].map((u, c) => [u, c]));
      const lowerCell = Int32Array.from(lower, (b) => cellOf.get(b)!);
      const counts = Int32Array.from({ length: N }, (_, i) => (i > 0 && rng.next() < 0.4 ? 0 : 1 + rng.int(3)));
      const run = (spread: SmoothSumKernels['spread']) => {
        const nc = cells.length;
        const r = {
          num: new Float64Array(nc).fill(7),
          den: new Float64Array(nc).fill(7),
          nz: new Int32Array(nc),
          wc: new Int32Array(nc),
          out: new Float64Array(4),
        };
        spread(counts, lowerCell, frac, residual, cells, G, r.num, r.den, r.nz, r.wc, r.out);
        return r;
      };
      const want = run(jsSmoothSums.spread);
      const got = run(k.spread);
      for (const key of ['num', 'den', 'nz', 'wc', 'out'] as const)
        sameBits(got[key], want[key], `${name}, N = ${N}, G = ${G}, ${key}`);
      assert.ok(want.out[1] > 0 && (N === 1 || want.out[0] > 0), 'some cells are nonzero');
    }
  }
});

test('the resampled metrics with the addon equal the recorded values bit for bit', { skip }, () => {
  const recorded = JSON.parse(readFileSync('test/metrics/fixtures/resampledMetrics.json', 'utf8')) as {
    cases: Record<string, Record<string, number[]>>;
  };
  for (const [name, get] of paths) {
    clearSharedBandwidths();
    for (const c of resampleCases().filter((x) => x.labels.length <= 2000)) {
      const want = recorded.cases[c.name];
      const stat = resampledExitMetrics(c.probs, c.labels, c.numClasses, 15, get());
      let r = 0;
      for (const idx of resampleIndices(c)) {
        const v = stat(idx).smoothEce;
        assert.ok(Object.is(v, want.smoothEce[r]), `${name}, ${c.name}, resample ${r}: ${v} vs ${want.smoothEce[r]}`);
        r++;
      }
    }
  }
});

test('malformed calls throw one line naming the argument, and write nothing', { skip }, () => {
  const k = avx as NativeSmoothSums;
  const E = 8;
  const acc = new Float64Array(E);
  const spec = new Float64Array(4);
  const phi = new Float64Array(4 * E);
  const bad: Array<[string, () => unknown, RegExp]> = [
    ['phi too short', () => k.modeSum(acc, spec, phi.subarray(1), E, 0, 4), /smoothModeSum phi has 31 entries/],
    ['from after to', () => k.modeSum(acc, spec, phi, E, 3, 2), /from = 3 exceeds to = 2/],
    ['E beyond acc', () => k.modeSum(acc, spec, phi, 9, 0, 1), /acc has 8 entries; E = 9/],
    ['negative E', () => k.modeSum(acc, spec, phi, -1, 0, 1), /E must be a whole number/],
    ['fractional to', () => k.modeSum(acc, spec, phi, E, 0, 1.5), /to must be a whole number/],
    ['acc aliases phi', () => k.modeSum(phi.subarray(0, E), spec, phi, E, 0, 1), /shares memory/],
    ['a Float32Array', () => k.modeSum(new Float32Array(E) as never, spec, phi, E, 0, 1), /acc must be a Float64Array/],
  ];
  const G = 4;
  const cells = Int32Array.from([0, 1, 2, 3]);
  const num = new Float64Array(4).fill(1);
  const off = Int32Array.from([0, E, 2 * E, 3 * E]);
  const lo = new Int32Array(G);
  const hi = new Int32Array(G).fill(E);
  const rows = new Float64Array(G * E);
  const sum = new Float64Array(E);
  bad.push(
    [
      'cell out of range',
      () => k.denseSum(sum, num, Int32Array.from([4]), 1, cells, off, lo, hi, rows, E),
      /nonzeroCells\[0\] = 4/,
    ],
    [
      'negative cell',
      () => k.denseSum(sum, num, Int32Array.from([-1]), 1, cells, off, lo, hi, rows, E),
      /nonzeroCells\[0\] = -1/,
    ],
    [
      'node out of range',
      () => k.denseSum(sum, num, Int32Array.from([0]), 1, Int32Array.from([9]), off, lo, hi, rows, E),
      /cells\[0\] = 9/,
    ],
    [
      'row past the buffer',
      () => k.denseSum(sum, num, Int32Array.from([3]), 1, cells, off, lo, hi, rows.subarray(1), E),
      /rowOffset\[3\] = 24/,
    ],
    [
      'band past E',
      () => k.denseSum(sum, num, Int32Array.from([1]), 1, cells, off, lo, Int32Array.from([8, 9, 8, 8]), rows, E),
      /band \[0, 9\)/,
    ],
    [
      'nonzero past the list',
      () => k.denseSum(sum, num, Int32Array.from([0]), 2, cells, off, lo, hi, rows, E),
      /nonzero = 2/,
    ],
    [
      'sum aliases rows',
      () => k.denseSum(rows.subarray(0, E), num, Int32Array.from([0]), 1, cells, off, lo, hi, rows, E),
      /shares memory/,
    ],
  );
  const coefs = new Float64Array(8);
  bad.push(
    [
      'modes past the table',
      () => k.specCoefficients(coefs, num, Int32Array.from([0]), 1, rows, 8, 0, 9),
      /modes \[0, 9\) are not inside \[0, cap = 8\)/,
    ],
    [
      'cell past the table',
      () => k.specCoefficients(coefs, num, Int32Array.from([3]), 1, rows.subarray(0, 24), 8, 0, 8),
      /nonzeroCells\[0\] = 3/,
    ],
    [
      'spec aliases the table',
      () => k.specCoefficients(rows.subarray(0, 8), num, Int32Array.from([0]), 1, rows, 8, 0, 8),
      /spec shares memory/,
    ],
  );
  const one = Int32Array.from([1, 1]);
  const sp = () => ({
    num: new Float64Array(3),
    den: new Float64Array(3),
    nz: new Int32Array(3),
    wc: new Int32Array(3),
  });
  const f2 = new Float64Array(2);
  const cells3 = Int32Array.from([0, 1, 2]);
  bad.push(
    [
      'negative count',
      () => {
        const b = sp();
        k.spread(Int32Array.from([1, -1]), Int32Array.from([0, 1]), f2, f2, cells3, 3, b.num, b.den, b.nz, b.wc, coefs);
      },
      /counts\[1\] = -1/,
    ],
    [
      'lower cell past the cells',
      () => {
        const b = sp();
        k.spread(one, Int32Array.from([0, 2]), f2, f2, cells3, 3, b.num, b.den, b.nz, b.wc, coefs);
      },
      /lowerCell\[1\] = 2/,
    ],
    [
      'cell past the grid',
      () => {
        const b = sp();
        k.spread(one, Int32Array.from([0, 1]), f2, f2, Int32Array.from([0, 1, 3]), 3, b.num, b.den, b.nz, b.wc, coefs);
      },
      /cells\[2\] = 3/,
    ],
    [
      'num of another size',
      () => {
        const b = sp();
        k.spread(one, Int32Array.from([0, 1]), f2, f2, cells3, 3, new Float64Array(2), b.den, b.nz, b.wc, coefs);
      },
      /one entry per cell/,
    ],
    [
      'frac of another size',
      () => {
        const b = sp();
        k.spread(one, Int32Array.from([0, 1]), new Float64Array(3), f2, cells3, 3, b.num, b.den, b.nz, b.wc, coefs);
      },
      /one entry per point/,
    ],
    [
      'den aliases num',
      () => {
        const b = sp();
        k.spread(one, Int32Array.from([0, 1]), f2, f2, cells3, 3, b.num, b.num, b.nz, b.wc, coefs);
      },
      /separate arrays/,
    ],
  );
  const ker = Float64Array.from([0, 1, 2, 1, 0]);
  const rho = Float64Array.from([1, 1, 1, 1, 1]);
  const out = new Float64Array(5);
  bad.push(
    [
      'NaN in rho',
      () => k.columnMasses(ker, Float64Array.from([1, NaN, 1, 1, 1]), 1, 3, out),
      /rho\[1\] = nan: expected finite/,
    ],
    ['ker outside its taps', () => k.columnMasses(ker, rho, 2, 3, out), /ker\[1\] = 1 lies outside the taps \[2, 3\]/],
    ['taps past the grid', () => k.columnMasses(ker, rho, 1, 5, out), /taps \[1, 5\] are not inside \[0, 5\)/],
    ['rho of another grid', () => k.columnMasses(ker, rho.subarray(1), 1, 3, out), /rho has 4 entries; ker has 5/],
    ['out too short', () => k.columnMasses(ker, rho, 1, 3, out.subarray(1)), /out has 4 entries; 5 needed/],
    [
      'gain too short',
      () => k.cosineGains(ker, ker, new Float64Array(8), 2, 4, new Float64Array(4)),
      /gain has 4 entries; L \+ 1 = 5/,
    ],
    [
      'reach past hs',
      () => k.cosineGains(ker, ker, new Float64Array(8), 5, 4, new Float64Array(5)),
      /more than reach = 5/,
    ],
    [
      'cosL too short',
      () => k.cosineGains(ker, ker, new Float64Array(7), 2, 4, new Float64Array(5)),
      /cosL has 7 entries; 2L = 8/,
    ],
  );
  const lower = Int32Array.from([0, 1, 3]);
  const wts = new Float64Array(3);
  bad.push(
    [
      'lower past the grid',
      () =>
        k.weightRows(
          ker,
          Int32Array.from([0, 4, 1]),
          wts,
          Int32Array.from([0]),
          1,
          new Int32Array(5),
          new Int32Array(5),
          new Int32Array(5),
          new Float64Array(3),
        ),
      /lower\[1\] = 4/,
    ],
    [
      'node past the grid',
      () =>
        k.weightRows(
          ker,
          lower,
          wts,
          Int32Array.from([5]),
          1,
          new Int32Array(5),
          new Int32Array(5),
          new Int32Array(5),
          new Float64Array(3),
        ),
      /nodes\[0\] = 5/,
    ],
    [
      'row past the buffer',
      () =>
        k.weightRows(
          ker,
          lower,
          wts,
          Int32Array.from([2]),
          1,
          Int32Array.from([0, 0, 1, 0, 0]),
          new Int32Array(5),
          new Int32Array(5),
          new Float64Array(3),
        ),
      /rowOffset\[2\] = 1/,
    ],
    [
      'w of another length',
      () =>
        k.weightRows(
          ker,
          lower,
          wts.subarray(1),
          Int32Array.from([0]),
          1,
          new Int32Array(5),
          new Int32Array(5),
          new Int32Array(5),
          new Float64Array(3),
        ),
      /w has 2 entries; lower has 3/,
    ],
  );
  for (const [what, call, message] of bad) {
    const before = [acc, sum, out, rows, coefs].map((a) => Float64Array.from(a));
    assert.throws(call, (err: Error) => message.test(err.message) && !err.message.includes('\n'), what);
    [acc, sum, out, rows, coefs].forEach((a, i) => sameBits(a, before[i], `${what}: nothing written`));
  }
});
