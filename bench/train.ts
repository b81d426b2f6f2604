/**
 * `npm run bench:train` — B-AlexNet (docs/paper-notes.md#b-alexnet), batch 64, CIFAR-10-shaped random input:
 * training samples/s (joint loss = Σ softmax CE of the 3 exits, equal weights, Adam 1e-3) and
 * inference samples/s (all 3 exits) on each available tfjs backend — wasm with eecal's kernels,
 * tensorflow when the native @tensorflow/tfjs-node loads, cpu with its composite dW (a couple
 * of steps only: it is slow) — and, in the same run, the same model in PyTorch CPU with 1 and with
 * 2 intra-op threads (interop threads left at PyTorch's default), via scripts/bench_torch_balexnet.py.
 * Prints the ratios tfjs-wasm / PyTorch's faster setting (its best on this machine). Warm-up steps
 * are excluded; medians are reported, with the load average.
 *
 * Then a per-kernel profile of one wasm training step (bench/profileStep.ts): ms per kernel and
 * phase, with the before/after of the kernels named by --compare-kernels measured in the same run.
 *
 * Options: --steps N (wasm/tensorflow timed train steps, default 10), --infer-steps N (20),
 * --cpu-steps N (2; 0 skips cpu), --no-torch, --profile-only (only the profile),
 * --profile-steps N (profiled steps per run, default 5), --compare-kernels A,B (eecal kernels to
 * time against the ones they replaced; default Identity,Sum; "none" skips the comparison),
 * --compare-native (eecal's wasm/JS kernels against its native ones, convolutions and MaxPoolGrad,
 * same process), --compare-conv-library (the native convolutions on OpenBLAS against oneDNN,
 * interleaved in one process). With the native kernels built (`npm run build:native`) the one-thread wasm row is
 * run twice: without them and with them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  NATIVE_KERNELS,
  registerCpuTrainingKernels,
  registerWasmTrainingKernels,
  restoreBackendKernel,
} from '../src/backend/kernels';
import { loadNativeBlas } from '../src/backend/nativeBlas';
import { compareKernelSets, formatComparison, formatStepProfile, profileTrainingStep } from './profileStep';
import { nativePackageProblem } from '../src/backend/candidates';
import { buildBAlexNet } from '../src/models/bAlexNet';
import { trainableVariables } from '../src/train/modelVariables';
import { repoRoot } from '../src/util/repoRoot';
import { benchReplicas, cifar10Source, inferEndToEnd, trainEndToEnd, type EndToEnd } from './endToEnd';

const BATCH = 64;

interface Plan {
  warmup: number;
  steps: number;
  inferWarmup: number;
  inferSteps: number;
}
interface Result {
  name: string;
  trainMs: number | null;
  inferMs: number | null;
  /** Median process CPU time per train / inference step: robust to other jobs on the machine. */
  trainCpuMs?: number | null;
  inferCpuMs?: number | null;
  note?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median wall and process-CPU milliseconds per call of `fn`, after `warmup` untimed calls. */
function timeIt(fn: () => void, warmup: number, steps: number): { ms: number; cpuMs: number } {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { ms: median(wall), cpuMs: median(cpu) };
}

/** Train and inference timings of a fresh B-AlexNet on tfjs backend `backend`. */
async function benchTfjs(label: string, backend: string, plan: Plan): Promise<Result> {
  if (!(await tf.setBackend(backend)))
    return { name: label, trainMs: null, inferMs: null, note: 'failed to initialise' };
  await tf.ready();
  const net = buildBAlexNet({ seed: 0 });
  const model = net.model;
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([BATCH, 32, 32, 3], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2) as tf.Tensor1D, 10));
  const vars = trainableVariables(model);
  const trainStep = () => {
    const cost = optimizer.minimize(
      () => {
        const outs = model.apply(x, { training: true }) as tf.Tensor[];
        return tf.addN(outs.map((o) => tf.losses.softmaxCrossEntropy(y, o))) as tf.Scalar;
      },
      true,
      vars,
    );
    if (!Number.isFinite(cost!.dataSync()[0])) throw new Error(`${label}: non-finite loss`);
    cost!.dispose();
  };
  const inferStep = () => {
    const outs = model.predict(x, { batchSize: BATCH }) as tf.Tensor[];
    outs.forEach((o) => o.dataSync());
    tf.dispose(outs);
  };
  trainStep(); // first step creates the optimizer slots: not counted in the leak check
  const tensors0 = tf.memory().numTensors;
  const train = timeIt(trainStep, Math.max(0, plan.warmup - 1), plan.steps);
  const infer = timeIt(inferStep, plan.inferWarmup, plan.inferSteps);
  const leaked = tf.memory().numTensors - tensors0;
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return {
    name: label,
    trainMs: train.ms,
    inferMs: infer.ms,
    trainCpuMs: train.cpuMs,
    inferCpuMs: infer.cpuMs,
    note: leaked ? `LEAK: ${leaked} tensors` : undefined,
  };
}

function benchTorch(plan: Plan, threads: number): Result {
  const name = `PyTorch CPU, ${threads} intra-op thread${threads > 1 ? 's' : ''}`;
  const script = path.join(repoRoot(__dirname), 'scripts', 'bench_torch_balexnet.py');
  const args = [
    script,
    '--threads',
    String(threads),
    '--batch',
    String(BATCH),
    '--warmup',
    String(plan.warmup),
    '--steps',
    String(plan.steps),
    '--infer-warmup',
    String(plan.inferWarmup),
    '--infer-steps',
    String(plan.inferSteps),
  ];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', timeout: 180_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    return { name, trainMs: null, inferMs: null, note: `not run: ${why}` };
  }
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    train_ms: number;
    infer_ms: number;
    train_cpu_ms: number;
    infer_cpu_ms: number;
    threads: number;
    torch: string;
  };
  return {
    name,
    trainMs: j.train_ms,
    inferMs: j.infer_ms,
    trainCpuMs: j.train_cpu_ms,
    inferCpuMs: j.infer_cpu_ms,
    note: `torch ${j.torch}, ${j.threads} intra-op`,
  };
}

/** Load the native tfjs backend if the real package is installed; null when it is not usable. */
function nativeBackendStatus(): string | null {
  const problem = nativePackageProblem('@tensorflow/tfjs-node');
  if (problem) return problem;
  try {
    require('@tensorflow/tfjs-node');
    return tf.findBackendFactory('tensorflow') ? null : 'loaded but no "tensorflow" backend registered';
  } catch (err) {
    return `failed to load: ${(err as Error).message.split('\n')[0]}`;
  }
}

function intOption(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 0)
    throw new Error(`${name}: expected a non-negative integer, found "${argv[i + 1]}"`);
  return v;
}

const sps = (ms: number | null) => (ms ? (BATCH * 1000) / ms : null);
const fmt = (v: number | null, d = 1) => (v === null ? '—' : v.toFixed(d));
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

/** The per-kernel profile of a wasm training step, and before/after of `compare` kernels. */
async function profileSection(argv: string[]): Promise<void> {
  const steps = intOption(argv, '--profile-steps', 5);
  const i = argv.indexOf('--compare-kernels');
  const spec = i >= 0 ? (argv[i + 1] ?? '') : 'Identity,Sum';
  const compare = spec === 'none' ? [] : spec.split(',').filter(Boolean);
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('profile: the wasm backend failed to initialise');
  await tf.ready();
  console.log(`\n${formatStepProfile(await profileTrainingStep({ batch: BATCH, steps }))}`);
  if (argv.includes('--compare-native') && loadNativeBlas().loaded) {
    const kernels = [...NATIVE_KERNELS];
    const { before, after } = await compareKernelSets(
      kernels,
      (k) => restoreBackendKernel(k, 'wasm'),
      () => registerWasmTrainingKernels(),
      { batch: BATCH, steps, registerBefore: () => registerWasmTrainingKernels({ native: false }) },
    );
    console.log(`\nkernels compared: ${kernels.join(', ')} (eecal's wasm/JS kernels before, its native ones after)`);
    console.log(formatComparison(before, after));
  }
  const native = loadNativeBlas().loaded;
  if (argv.includes('--compare-conv-library') && native?.info().dnnl) {
    // The same native kernels, their convolutions on OpenBLAS (before) or oneDNN (after), interleaved.
    const { before, after } = await compareKernelSets(
      [],
      () => false,
      () => native.setConvLibrary('onednn'),
      { batch: BATCH, steps, rounds: 3, registerBefore: () => native.setConvLibrary('openblas') },
    );
    console.log(`\nconvolution library compared: im2col + OpenBLAS sgemm before, ${native.info().dnnl} after`);
    console.log(formatComparison(before, after));
  }
  if (compare.length) {
    const { before, after } = await compareKernelSets(
      compare,
      (k) => restoreBackendKernel(k, 'wasm'),
      () => registerWasmTrainingKernels(),
      { batch: BATCH, steps },
    );
    console.log(`\nkernels compared: ${compare.join(', ')} (stock tfjs-backend-wasm before, eecal after)`);
    console.log(formatComparison(before, after));
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--profile-only')) {
    console.log(`bench:train --profile-only — machine: ${os.cpus().length} CPUs, load average ${load()}`);
    await profileSection(argv);
    return;
  }
  const steps = intOption(argv, '--steps', 10);
  const inferSteps = intOption(argv, '--infer-steps', 20);
  const cpuSteps = intOption(argv, '--cpu-steps', 2);
  const fast: Plan = { warmup: 3, steps, inferWarmup: 3, inferSteps };
  console.log(`bench:train — B-AlexNet, batch ${BATCH}, 32×32×3 random input, joint CE of 3 exits, Adam 1e-3`);
  console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average at start ${load()}`);

  const results: Result[] = [];
  const nativeConvs = loadNativeBlas();
  console.log(`native kernels: ${nativeConvs.detail}`);
  if (nativeConvs.loaded) {
    // The same process without them first: what `npm run build:native` buys.
    registerWasmTrainingKernels({ native: false });
    results.push(await benchTfjs('tfjs wasm (eecal wasm kernels, 1 thread)', 'wasm', fast));
  }
  registerWasmTrainingKernels(); // switches the native kernels (back) on
  const wasmLabel = nativeConvs.loaded
    ? 'tfjs wasm (+native kernels, 1 thread)'
    : 'tfjs wasm (+eecal kernels, 1 thread)';
  const wasm1 = await benchTfjs(wasmLabel, 'wasm', fast);
  results.push(wasm1);
  if (!argv.includes('--no-torch')) results.push(benchTorch(fast, 1), benchTorch(fast, 2));
  const native = nativeBackendStatus();
  if (native === null) results.push(await benchTfjs('tfjs tensorflow (tfjs-node)', 'tensorflow', fast));
  else results.push({ name: 'tfjs tensorflow (tfjs-node)', trainMs: null, inferMs: null, note: `skipped: ${native}` });
  if (cpuSteps > 0) {
    registerCpuTrainingKernels();
    results.push(
      await benchTfjs('tfjs cpu (+composite dW)', 'cpu', {
        warmup: 1,
        steps: cpuSteps,
        inferWarmup: 1,
        inferSteps: cpuSteps,
      }),
    );
  }

  console.log(
    `\n${'backend'.padEnd(38)} ${'train ms'.padStart(9)} ${'train/s'.padStart(8)} ${'cpu ms'.padStart(8)} ${'infer ms'.padStart(9)} ${'infer/s'.padStart(8)} ${'cpu ms'.padStart(7)}  note`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(38)} ${fmt(r.trainMs).padStart(9)} ${fmt(sps(r.trainMs)).padStart(8)} ${fmt(r.trainCpuMs ?? null).padStart(8)} ${fmt(r.inferMs).padStart(9)} ${fmt(sps(r.inferMs)).padStart(8)} ${fmt(r.inferCpuMs ?? null).padStart(7)}  ${r.note ?? ''}`,
    );
  }
  console.log(
    '(ms = median wall time per batch of 64; cpu ms = median process CPU time per batch, less inflated than wall time when other jobs compete for the 2 cores)',
  );
  // The same wasm kernels on worker replicas: the compute `--workers` buys (random batches).
  const workers = Math.min(
    8,
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
  );
  let best = wasm1;
  if (workers > 1) {
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    const r = await benchReplicas(workers, steps);
    const pooled: Result = {
      name: `tfjs wasm, ${workers} worker replicas`,
      trainMs: r.trainMs,
      inferMs: (r.inferMs256 * BATCH) / 256,
      note: 'inference at batch 256 (as eecal infer), shown per 64',
    };
    results.push(pooled);
    console.log(
      `${pooled.name.padEnd(38)} ${fmt(pooled.trainMs).padStart(9)} ${fmt(sps(pooled.trainMs)).padStart(8)} ${'—'.padStart(8)} ${fmt(pooled.inferMs).padStart(9)} ${fmt(sps(pooled.inferMs)).padStart(8)} ${'—'.padStart(7)}  ${pooled.note}`,
    );
    best = pooled;
  }
  // The baseline is PyTorch's best setting here, per task: whichever thread count trains (infers) faster.
  const torchRuns = results.filter((r) => r.name.startsWith('PyTorch') && r.trainMs);
  const torch = [...torchRuns].sort((a, b) => (a.trainMs as number) - (b.trainMs as number))[0];
  const torchInfer =
    [...torchRuns].filter((r) => r.inferMs).sort((a, b) => (a.inferMs as number) - (b.inferMs as number))[0] ?? torch;
  const ratio = (t: number | null | undefined, w: number | null | undefined) =>
    t && w ? `${(t / w).toFixed(2)}×` : '—';
  if (torch?.trainMs) {
    console.log(
      `\nratio ${best.name} / PyTorch's best, samples/s: training ${ratio(torch.trainMs, best.trainMs)} (goal ≥ 1.0; ${torch.name}), inference ${ratio(torchInfer.inferMs, best.inferMs)} (goal ≥ 1.5; ${torchInfer.name})`,
    );
    console.log(
      `ratio tfjs wasm, 1 thread / PyTorch's best, from CPU time per batch: training ${ratio(torch.trainCpuMs, wasm1.trainCpuMs)}, inference ${ratio(torch.inferCpuMs, wasm1.inferCpuMs)}`,
    );
  } else {
    console.log('\nratio tfjs-wasm / PyTorch: not available (PyTorch not run)');
  }

  // End to end, as users run it: the CLI on real CIFAR-10 (skipped without the data or with --no-e2e).
  const cifar = cifar10Source(argv);
  if (!argv.includes('--no-e2e')) {
    if (!cifar) {
      console.log('\nend to end: skipped (no CIFAR-10: pass --cifar10 PATH or set EECAL_DATA)');
    } else {
      const samples = intOption(argv, '--e2e-samples', 3200);
      const rows: EndToEnd[] = [trainEndToEnd(cifar, workers, samples)];
      const model = path.join(repoRoot(__dirname), 'models', 'b-alexnet-cifar10-branchynet');
      if (fs.existsSync(path.join(model, 'model.json'))) rows.push(inferEndToEnd(cifar, model, workers));
      console.log(`\nend to end (load average ${load()}):`);
      for (const r of rows)
        console.log(`  ${r.what.padEnd(44)} ${fmt(r.samplesPerSec).padStart(8)} samples/s  ${r.note}`);
      const train = rows[0].samplesPerSec;
      if (torch?.trainMs && train)
        console.log(
          `ratio eecal train end to end / PyTorch's best (steps only, random input): ${(train / (sps(torch.trainMs) as number)).toFixed(2)}× (goal ≥ 1.0)`,
        );
      const infer = rows[1]?.samplesPerSec;
      if (infer)
        console.log(
          `eecal infer end to end: ${infer} samples/s${torchInfer?.inferMs ? `, ${(infer / (sps(torchInfer.inferMs) as number)).toFixed(2)}× PyTorch's best (goal ≥ 1.5)` : ''}`,
        );
    }
  }
  console.log(`load average at end ${load()}`);
  await profileSection(argv);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
