/**
 * `npm run bench:kernels [-- --cifar10 PATH] [--sections 3,4]` — where B-AlexNet's time goes on wasm, kernel by
 * kernel, for the figures environment.md quotes (one thread unless said; medians; load average shown):
 *  1. an inference pass at batch 128: `model.apply` vs `model.predict`, the per-kernel profile, each
 *     convolution's GFLOP/s, and eecal's LRN against the stock one in the same pass;
 *  2. the weight gradient (dW) per convolution at batch 64: the composite's XNNPACK convolution with
 *     a dy it has seen vs a new dy (as in every training step), next to the forward convolutions;
 *     then two other formulations of dW (row chunks, x as the filter), each against the composite;
 *  3. the main thread's serial share of a 2-worker training step (dropout masks, Adam, publishing);
 *  4. with CIFAR-10: `evaluateSplit` (two batches in flight) against one batch at a time, on the
 *     same 2-worker pool and data, interleaved.
 * Sections 1–2 take apart the wasm path (XNNPACK and eecal's wasm/JS kernels), what runs where the
 * native kernels are not built, so they run with those off; `npm run bench:train --
 * --compare-native` measures the native kernels against them. Sections 3–4 time the pipeline
 * around the kernels with the kernels eecal uses by default (native when built).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels, restoreBackendKernel } from '../src/backend/kernels';
import { KernelCalls } from '../src/backend/kernels/kernelCall';
import { buildBAlexNet } from '../src/models/bAlexNet';
import { ReplicaPool } from '../src/train/replicas/replicaPool';
import { dropoutMultipliers, type DropoutSite } from '../src/train/replicas/dropoutMultipliers';
import { dropoutSeed } from '../src/train/dropoutSeeds';
import { FlatAdam } from '../src/train/replicas/flatAdam';
import { readWeightsInto } from '../src/train/replicas/weightLayout';
import { replicaEngine, replicaForward } from '../src/train/replicas/replicaTraining';
import type { TrainConfig } from '../src/train/trainer';
import { loadNativeBlas } from '../src/backend/nativeBlas';
import { decayedKernelMask, trainableVariables } from '../src/train/modelVariables';
import { evaluateSplit } from '../src/train/evaluate';
import { openTrainingData } from '../src/train/datasetAdapter';
import { readModelManifest } from '../src/records/modelFolder';
import { repoRoot } from '../src/util/repoRoot';
import { cifar10Source } from './endToEnd';

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const info = (t: tf.Tensor): tf.TensorInfo => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });

/** Median ms of `f` over `n` timed calls after 2 untimed ones; `pre` builds fresh inputs outside the timing. */
function timed<T>(
  n: number,
  pre: () => T,
  f: (input: T) => void,
  dispose: (input: T) => void = () => undefined,
): number {
  const ts: number[] = [];
  for (let i = 0; i < n + 2; i++) {
    const input = pre();
    const t = performance.now();
    f(input);
    if (i >= 2) ts.push(performance.now() - t);
    dispose(input);
  }
  return median(ts);
}

/** B-AlexNet's convolutions (input H, W, Ci, kernel K, Co); all stride 1, 'same'. */
const CONVS: Array<[number, number, number, number, number]> = [
  [32, 32, 3, 5, 32],
  [16, 16, 32, 5, 64],
  [8, 8, 64, 3, 32],
  [8, 8, 32, 3, 32],
  [8, 8, 64, 3, 96],
  [4, 4, 96, 3, 32],
  [8, 8, 96, 3, 96],
  [8, 8, 96, 3, 64],
];

function inferenceSection(): void {
  const B = 128;
  const model = buildBAlexNet({ seed: 0 }).model;
  const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 1);
  const apply = () => tf.tidy(() => (model.apply(x, { training: false }) as tf.Tensor[]).forEach((o) => o.dataSync()));
  const predict = () => tf.tidy(() => (model.predict(x, { batchSize: B }) as tf.Tensor[]).forEach((o) => o.dataSync()));
  const rounds = { apply: [] as number[], predict: [] as number[], stockLrn: [] as number[] };
  for (let r = 0; r < 3; r++) {
    rounds.apply.push(timed(5, () => null, apply));
    rounds.predict.push(timed(5, () => null, predict));
    restoreBackendKernel('LRN', 'wasm');
    rounds.stockLrn.push(timed(5, () => null, apply));
    registerWasmTrainingKernels({ native: false });
  }
  const ms = median(rounds.apply);
  console.log(`\n1. inference pass, batch ${B}, 1 thread (load ${load()})`);
  console.log(
    `   model.apply ${ms.toFixed(1)} ms (${Math.round((B / ms) * 1000)} samples/s) · model.predict ${median(rounds.predict).toFixed(1)} ms · apply with the stock LRN kernel ${median(rounds.stockLrn).toFixed(1)} ms`,
  );
}

async function inferenceProfile(): Promise<void> {
  const B = 128;
  const model = buildBAlexNet({ seed: 0 }).model;
  const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 1);
  const apply = () => tf.tidy(() => (model.apply(x, { training: false }) as tf.Tensor[]).forEach((o) => o.dataSync()));
  for (let i = 0; i < 2; i++) apply();
  const lrnMs: Record<string, number> = {};
  for (const which of ['eecal', 'stock']) {
    if (which === 'stock') restoreBackendKernel('LRN', 'wasm');
    const p = await tf.profile(apply);
    const kernels = p.kernels.filter((k) => !k.name.endsWith('__op'));
    lrnMs[which] = kernels.filter((k) => k.name === 'LRN').reduce((s, k) => s + (k.kernelTimeMs as number), 0);
    if (which === 'eecal') {
      const byName = new Map<string, { calls: number; ms: number }>();
      for (const k of kernels) {
        const row = byName.get(k.name) ?? { calls: 0, ms: 0 };
        row.calls++;
        row.ms += k.kernelTimeMs as number;
        byName.set(k.name, row);
      }
      const total = [...byName.values()].reduce((s, r) => s + r.ms, 0);
      console.log(
        '   per kernel (one profiled pass): ' +
          [...byName.entries()]
            .sort((a, b) => b[1].ms - a[1].ms)
            .map(([n, r]) => `${n} ×${r.calls} ${r.ms.toFixed(1)} ms (${((100 * r.ms) / total).toFixed(0)} %)`)
            .join(', '),
      );
      for (const k of kernels.filter((c) => c.name === 'FusedConv2D' || c.name === 'Conv2D')) {
        const [, , , ci] = k.inputShapes[0] as number[];
        const [kh, kw] = k.inputShapes[1] as number[];
        const flops = 2 * tf.util.sizeFromShape(k.outputShapes[0] as number[]) * kh * kw * ci;
        console.log(
          `   ${k.name} ${JSON.stringify(k.inputShapes[0])} ⊛ ${JSON.stringify(k.inputShapes[1])}: ${(flops / 1e9).toFixed(2)} GFLOP in ${(k.kernelTimeMs as number).toFixed(1)} ms = ${(flops / 1e6 / (k.kernelTimeMs as number)).toFixed(1)} GFLOP/s`,
        );
      }
    }
  }
  registerWasmTrainingKernels({ native: false });
  console.log(
    `   LRN kernels in the profiled pass: eecal ${lrnMs.eecal.toFixed(1)} ms, stock ${lrnMs.stock.toFixed(1)} ms`,
  );
}

/** The composite dW's XNNPACK convolution: x as [Ci,H,W,B] input, dy as [OH,OW,B,Co] filter. */
function compositeConv(calls: KernelCalls, xt: tf.TensorInfo, dyt: tf.TensorInfo, p: number): tf.TensorInfo {
  return calls.run(
    'Conv2D',
    { x: xt, filter: dyt },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    },
  );
}

function dwSection(): void {
  const B = 64;
  const calls = new KernelCalls('wasm', tf.backend());
  console.log(`\n2. weight gradient per convolution, batch ${B}, 1 thread (load ${load()}); ms`);
  const tot = {
    seen: 0,
    fresh: 0,
    fwdSeen: 0,
    fwdFresh: 0,
    composite: 0,
    rows8: 0,
    rows1: 0,
    composite2: 0,
    xFilter: 0,
  };
  for (const [H, W, Ci, K, Co] of CONVS) {
    const p = (K - 1) / 2;
    const xt = tf.randomNormal([Ci, H, W, B], 0, 1, 'float32', 2);
    const dyt = tf.randomNormal([H, W, B, Co], 0, 1, 'float32', 3);
    const x = tf.randomNormal([B, H, W, Ci], 0, 1, 'float32', 4);
    const dy = tf.randomNormal([B, H, W, Co], 0, 1, 'float32', 5);
    const w = tf.randomNormal([K, K, Ci, Co], 0, 1, 'float32', 6);
    // A tensor XNNPACK has seen keeps its packed filter; a new one (tf.mul(·, 1): new data) is packed again.
    const seen = timed(
      7,
      () => null,
      () => calls.free(compositeConv(calls, info(xt), info(dyt), p)),
    );
    const fresh = timed(
      7,
      () => tf.mul(dyt, 1),
      (d) => calls.free(compositeConv(calls, info(xt), info(d), p)),
      (d) => d.dispose(),
    );
    const fwd = (f: tf.Tensor) =>
      calls.free(
        calls.run(
          'Conv2D',
          { x: info(x), filter: info(f) },
          { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] },
        ),
      );
    const fwdSeen = timed(
      7,
      () => null,
      () => fwd(w),
    );
    const fwdFresh = timed(
      7,
      () => tf.mul(w, 1),
      fwd,
      (f) => f.dispose(),
    );
    // Other formulations, each timed against the composite in the same way (tf ops, read back).
    const composite = () =>
      tf.tidy(() => {
        const full = tf.conv2d(
          tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D,
          tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D,
          1,
          [
            [0, 0],
            [p, p],
            [p, p],
            [0, 0],
          ],
        );
        tf.transpose(full, [1, 2, 0, 3]).dataSync();
      });
    const rows = (h: number) => () =>
      tf.tidy(() => {
        const xp = tf.pad(tf.transpose(x, [3, 1, 2, 0]), [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ]) as tf.Tensor4D;
        const dt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
        const parts: tf.Tensor4D[] = [];
        for (let r = 0; r < H; r += h) {
          const hh = Math.min(h, H - r);
          parts.push(
            tf.conv2d(
              tf.slice(xp, [0, r, 0, 0], [-1, hh + K - 1, -1, -1]) as tf.Tensor4D,
              tf.slice(dt, [r, 0, 0, 0], [hh, -1, -1, -1]) as tf.Tensor4D,
              1,
              'valid',
            ),
          );
        }
        tf.transpose(tf.addN(parts), [1, 2, 0, 3]).dataSync();
      });
    // x as the filter: correlate dy [Co,OH,OW,B] (padded K−1−p) with x [H,W,B,Ci] → [Co,K,K,Ci], flipped.
    const xFilter = () =>
      tf.tidy(() => {
        const o = tf.conv2d(
          tf.transpose(dy, [3, 1, 2, 0]) as tf.Tensor4D,
          tf.transpose(x, [1, 2, 0, 3]) as tf.Tensor4D,
          1,
          [
            [0, 0],
            [K - 1 - p, K - 1 - p],
            [K - 1 - p, K - 1 - p],
            [0, 0],
          ],
        );
        tf.transpose(tf.reverse(o, [1, 2]), [1, 2, 3, 0]).dataSync();
      });
    const c1 = timed(5, () => null, composite);
    const r8 = timed(5, () => null, rows(8));
    const r1 = timed(3, () => null, rows(1));
    const c2 = timed(5, () => null, composite);
    const xf = timed(5, () => null, xFilter);
    Object.entries({
      seen,
      fresh,
      fwdSeen,
      fwdFresh,
      composite: c1,
      rows8: r8,
      rows1: r1,
      composite2: c2,
      xFilter: xf,
    }).forEach(([k, v]) => {
      tot[k as keyof typeof tot] += v;
    });
    console.log(
      `   [${B},${H},${W},${Ci}] k${K}→${Co}: dW conv, dy seen ${seen.toFixed(1)} / new ${fresh.toFixed(1)}; forward conv, filter seen ${fwdSeen.toFixed(1)} / new ${fwdFresh.toFixed(1)}; ` +
        `formulations: composite ${c1.toFixed(1)}, row chunks of 8 ${r8.toFixed(1)}, of 1 ${r1.toFixed(1)}; composite ${c2.toFixed(1)}, x as filter ${xf.toFixed(1)}`,
    );
    tf.dispose([xt, dyt, x, dy, w]);
  }
  const f = (v: number) => v.toFixed(1);
  console.log(
    `   total: dW conv, dy seen ${f(tot.seen)} / new ${f(tot.fresh)}; forward conv, filter seen ${f(tot.fwdSeen)} / new ${f(tot.fwdFresh)}`,
  );
  console.log(
    `   total formulations: composite ${f(tot.composite)} vs row chunks of 8 ${f(tot.rows8)} (${(tot.rows8 / tot.composite).toFixed(1)}×), of 1 ${f(tot.rows1)} (${(tot.rows1 / tot.composite).toFixed(1)}×); composite ${f(tot.composite2)} vs x as filter ${f(tot.xFilter)}`,
  );
}

/** The dropout multipliers as eecal drew them before its float32 loop: tfjs tensor ops (section 3's A/B). */
function tensorDropoutMultipliers(sites: DropoutSite[], batch: number, seed: number, step: number): Float32Array[] {
  return sites.map((site) =>
    tf.tidy(() => {
      const keep = 1 - site.rate;
      const u = tf.randomUniform([batch, site.units], 0, 1, 'float32', dropoutSeed(seed, step, site.layerIndex));
      return tf.div(tf.floor(tf.add(u, keep)), keep).dataSync() as Float32Array;
    }),
  );
}

async function mainThreadSection(): Promise<void> {
  const model = buildBAlexNet({ seed: 0 }).model;
  const pool = await ReplicaPool.start(model, 'wasm', 2);
  try {
    const vars = trainableVariables(model);
    const { offsets, sizes, shapes, total } = pool.layout;
    // The update three ways, in turn step by step so all see the same load: tfjs's Adam then
    // publishing the model's weights (the step before FlatAdam); FlatAdam's flat pass in JavaScript
    // and in the native kernel (what the engine runs when they are built), each then assigning the
    // model's variables and publishing its flat copy. Each way keeps its own optimizer state.
    const opt: tf.Optimizer = tf.train.adam(1e-3);
    const nativeKernels = loadNativeBlas().loaded;
    const flats = [null, nativeKernels?.adamUpdate ? nativeKernels : null].map((kernels) => {
      const weights = new Float32Array(total);
      readWeightsInto(model, pool.layout, weights);
      return { adam: new FlatAdam(tf.train.adam(1e-3), vars, pool.layout, kernels), weights };
    });
    const decayed = decayedKernelMask(model);
    const weightDecay = 5e-4;
    const x = new Float32Array(64 * 3072).map((_, i) => ((i * 2654435761) >>> 0) / 2 ** 32);
    const labels = new Int32Array(64).map((_, i) => i % 10);
    const ways = ['tfjs Adam', 'FlatAdam (JavaScript)', 'FlatAdam (native)'].slice(0, flats[1] ? 3 : 2);
    const wall = ways.map(() => [] as number[]),
      cpu = ways.map(() => [] as number[]);
    const parts = { gradients: [] as number[] };
    const maskMs = { loop: [] as number[], tensor: [] as number[] };
    const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
    for (let s = 0; s < 4 + 10 * ways.length; s++) {
      // The masks both ways, in alternating order: the float32 loop (now) and three tensor ops (before).
      const masks = () => {
        const t = performance.now();
        const m = dropoutMultipliers(pool.dropout, 64, 1, s);
        return { m, ms: performance.now() - t };
      };
      const tensorMasks = () => {
        const t = performance.now();
        tensorDropoutMultipliers(pool.dropout, 64, 1, s);
        return performance.now() - t;
      };
      let mult: Float32Array[];
      if (s % 2) {
        maskMs.tensor.push(tensorMasks());
        const r = masks();
        mult = r.m;
        maskMs.loop.push(r.ms);
      } else {
        const r = masks();
        mult = r.m;
        maskMs.loop.push(r.ms);
        maskMs.tensor.push(tensorMasks());
      }
      const t1 = performance.now();
      const { gradient } = await pool.gradients(x.slice(), [64, 32, 32, 3], labels, 10, mult, [1, 1, 1]);
      const t2 = performance.now();
      // The replicas are idle here, so the process's CPU time is the main thread's.
      const c2 = process.cpuUsage();
      const way = s % ways.length;
      if (way === 0) {
        tf.tidy(() => {
          const named: tf.NamedTensorMap = {};
          vars.forEach((v, i) => {
            const g = tf.tensor(gradient.subarray(offsets[i], offsets[i] + sizes[i]), shapes[i]);
            named[v.name] = decayed[i] ? tf.add(g, tf.mul(v, weightDecay)) : g;
          });
          opt.applyGradients(named);
        });
        pool.publishWeights(model);
      } else {
        const { adam, weights } = flats[way - 1]!;
        adam.step(weights, gradient, decayed, weightDecay);
        vars.forEach((v, i) =>
          tf.tidy(() => v.assign(tf.tensor(weights.slice(offsets[i], offsets[i] + sizes[i]), shapes[i]))),
        );
        pool.publishFlatWeights(weights);
      }
      const c3 = cpuMs(process.cpuUsage(c2));
      const t3 = performance.now();
      if (s >= 4) {
        parts.gradients.push(t2 - t1);
        wall[way].push(t3 - t2);
        cpu[way].push(c3);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    console.log(
      `\n3. a 2-worker training step, batch 64 (load ${load()}), ms median: dropout masks ${median(maskMs.loop).toFixed(2)} (as three tensor ops, in turn: ${median(maskMs.tensor).toFixed(2)}), mean ms: ` +
        `replicas' gradients ${mean(parts.gradients).toFixed(1)}; the Adam update with weight decay and publishing, in turn (${wall[0].length} steps each), ` +
        `ms wall mean / main-thread CPU median: ` +
        ways
          .map(
            (w, i) =>
              `${w} ${mean(wall[i]).toFixed(1)} / ${median(cpu[i]).toFixed(1)}` +
              (i ? ` (CPU ${(median(cpu[0]) / median(cpu[i])).toFixed(1)}× less)` : ''),
          )
          .join(', '),
    );
  } finally {
    await pool.close();
  }
}

/**
 * Section 3's second part: whole 2-worker steps (masks, replicas' gradients, Adam with weight
 * decay, publishing) of the training engine with FlatAdam and with tfjs's Adam, in turn on one
 * pool, in blocks; the main thread's serial share is the step minus the wait for the replicas' gradients.
 */
async function wholeStepSection(): Promise<void> {
  const model = buildBAlexNet({ seed: 0 }).model;
  const pool = await ReplicaPool.start(model, 'wasm', 2);
  try {
    const config: TrainConfig = {
      epochs: 1,
      batchSize: 64,
      learningRate: 1e-3,
      lrSchedule: 'constant',
      weightDecay: 5e-4,
      lossWeights: [1, 1, 1],
      augment: false,
      seed: 1,
      patience: null,
      checkpointEveryMinutes: 1e9,
      keep: 'last',
      recipe: null,
    };
    const engines = [
      replicaEngine(pool, model, tf.train.adam(1e-3), config, 10, { flatAdam: false }),
      replicaEngine(pool, model, tf.train.adam(1e-3), config, 10),
    ];
    const gradients = pool.gradients.bind(pool);
    let gradientMs = 0;
    (pool as unknown as { gradients: typeof gradients }).gradients = async (...args) => {
      const t = performance.now();
      const r = await gradients(...args);
      gradientMs = performance.now() - t;
      return r;
    };
    const x = tf.randomUniform([64, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const labels = new Int32Array(64).map((_, i) => i % 10);
    const step = [[], []] as number[][],
      serial = [[], []] as number[][];
    // In blocks of 6 steps, timing the last 4 of each: a step leaves garbage (tfjs's Adam, ~400
    // tensors) that the collector frees during the next steps, which would charge it to the other
    // engine if they alternated step by step.
    for (let s = 0; s < 6 * 2 * 6; s++) {
      const e = Math.floor(s / 6) % 2;
      const t = performance.now();
      await engines[e].step(x, labels, s);
      if (s % 6 >= 2) {
        step[e].push(performance.now() - t);
        serial[e].push(performance.now() - t - gradientMs);
      }
    }
    x.dispose();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    console.log(
      `   whole steps, in blocks of 6 in turn (${step[0].length} timed each, load ${load()}), median ms step / main thread's serial share: ` +
        `tfjs Adam ${median(step[0]).toFixed(1)} / ${median(serial[0]).toFixed(1)}, FlatAdam ${median(step[1]).toFixed(1)} / ${median(serial[1]).toFixed(1)}`,
    );
  } finally {
    await pool.close();
  }
}

async function pipelineSection(cifar: string): Promise<void> {
  const modelDir = path.join(repoRoot(__dirname), 'models', 'b-alexnet-cifar10-branchynet');
  const manifest = readModelManifest(modelDir);
  const data = await openTrainingData({
    dataset: manifest.dataset,
    data: cifar,
    splitSeed: manifest.splitSeed,
    normalization: manifest.normalization,
  });
  const model = buildBAlexNet({ seed: 0 }).model;
  const pool = await ReplicaPool.start(model, 'wasm', 2);
  try {
    const forward = replicaForward(pool);
    const n = data.size('val');
    const B = 256;
    // What evaluateSplit would do with one batch at a time: build a batch, wait for its logits, then the next.
    const oneAtATime = async () => {
      for (let s = 0; s < n; s += B) {
        const m = Math.min(B, n - s);
        const { x } = data.batch(
          'val',
          Int32Array.from({ length: m }, (_, i) => s + i),
        );
        const done = forward(x);
        x.dispose();
        await done;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    const rates = { one: [] as number[], two: [] as number[] };
    for (let r = 0; r < 4; r++) {
      let t = performance.now();
      await oneAtATime();
      rates.one.push(n / ((performance.now() - t) / 1000));
      t = performance.now();
      await evaluateSplit(model, data, 'val', B, forward);
      rates.two.push(n / ((performance.now() - t) / 1000));
    }
    const f = (xs: number[]) => xs.map((v) => Math.round(v)).join(', ');
    console.log(
      `\n4. CIFAR-10 val (${n} images), 2 workers, batch ${B}, interleaved (load ${load()}), samples/s: one batch at a time ${f(rates.one)}; evaluateSplit, two in flight ${f(rates.two)}`,
    );
  } finally {
    await pool.close();
  }
}

/** `--sections 3,4` runs only those sections (default: all four). */
function sections(argv: string[]): Set<number> {
  const i = argv.indexOf('--sections');
  if (i < 0) return new Set([1, 2, 3, 4]);
  const picked = (argv[i + 1] ?? '').split(',').map(Number);
  if (!picked.length || picked.some((n) => !Number.isInteger(n) || n < 1 || n > 4))
    throw new Error(`--sections "${argv[i + 1] ?? ''}": expected section numbers 1–4, comma-separated`);
  return new Set(picked);
}

async function main(): Promise<void> {
  const run = sections(process.argv.slice(2));
  registerWasmTrainingKernels({ native: false });
  if (!(await tf.setBackend('wasm'))) throw new Error('bench:kernels: the wasm backend failed to initialise');
  console.log(
    `bench:kernels — B-AlexNet on tfjs wasm + eecal kernels; ${os.cpus().length} CPUs, load average ${load()}`,
  );
  if (run.has(1) || run.has(2)) console.log("sections 1–2: eecal's wasm/JS kernels (the native ones off)");
  if (run.has(1)) {
    inferenceSection();
    await inferenceProfile();
  }
  if (run.has(2)) dwSection();
  // The replicas of sections 3–4 register their kernels when they start: eecal's defaults.
  if (run.has(3) || run.has(4))
    console.log(`\nsections 3–4: the replicas' default kernels (native: ${loadNativeBlas().detail})`);
  if (run.has(3)) {
    await mainThreadSection();
    await wholeStepSection();
  }
  if (!run.has(4)) return;
  const cifar = cifar10Source(process.argv.slice(2));
  if (cifar) await pipelineSection(cifar);
  else console.log('\n4. skipped (no CIFAR-10: pass --cifar10 PATH or set EECAL_DATA)');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
