/**
 * What users wait for: `eecal train` and `eecal infer` end to end on real CIFAR-10 (decode cache,
 * batching, the replicas, the optimizer), run as the CLI runs (compiled dist/, child processes),
 * and the replica pool alone on random batches (the compute a worker count buys).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { buildBAlexNet } from '../src/models/bAlexNet';
import { ReplicaPool } from '../src/train/replicas/replicaPool';
import { replicaTrainStep } from '../src/train/replicas/replicaTraining';
import type { TrainConfig } from '../src/train/trainer';
import { repoRoot } from '../src/util/repoRoot';

const root = repoRoot(__dirname);

/** Where CIFAR-10 is for the end-to-end runs: --cifar10, $EECAL_DATA, or datasets/ in the repo; null if none. */
export function cifar10Source(argv: string[]): string | null {
  const i = argv.indexOf('--cifar10');
  const candidates = [
    i >= 0 ? argv[i + 1] : undefined,
    process.env.EECAL_DATA,
    path.join(root, 'datasets/cifar-10-batches-bin'),
  ];
  return candidates.find((c): c is string => !!c && fs.existsSync(c)) ?? null;
}

export interface EndToEnd {
  what: string;
  samplesPerSec: number | null;
  note: string;
}

/** GNU time, which reports a child's peak RSS (worker replicas are threads: one process). */
const GNU_TIME = '/usr/bin/time';

/**
 * `eecal train` for one epoch of `samples` CIFAR-10 images; the progress bar's samples/s at its
 * last batch, and the process's peak RSS (replicas included) where GNU time is installed.
 */
export function trainEndToEnd(cifar: string, workers: number, samples: number): EndToEnd {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-bench-train-'));
  const what = `eecal train, real CIFAR-10, ${workers} worker${workers > 1 ? 's' : ''}`;
  try {
    const cmd = [
      process.execPath,
      path.join(root, 'bin/eecal.js'),
      'train',
      '--model',
      'b-alexnet',
      '--dataset',
      'cifar10',
      '--recipe',
      'branchynet',
      '--data',
      cifar,
      '--max-train',
      String(samples),
      '--epochs',
      '1',
      '--no-track-calibration',
      '--workers',
      String(workers),
      '--out',
      out,
    ];
    const timed = fs.existsSync(GNU_TIME) ? [GNU_TIME, '-f', 'eecal-bench peak RSS %M KiB', ...cmd] : cmd;
    const r = spawnSync(timed[0], timed.slice(1), {
      encoding: 'utf8',
      cwd: root,
      timeout: 900_000,
      env: { ...process.env, EECAL_BACKEND: 'wasm' },
    });
    const rates = [...r.stderr.matchAll(/batches\s+([\d.]+) samples\/s/g)].map((m) => Number(m[1]));
    if (r.status !== 0 || !rates.length)
      return { what, samplesPerSec: null, note: `failed: ${r.stderr.trim().split('\n').pop()}` };
    const rss = /eecal-bench peak RSS (\d+) KiB/.exec(r.stderr);
    const peak = rss ? `, peak RSS ${(Number(rss[1]) / 1024).toFixed(0)} MiB` : ', peak RSS not measured (no GNU time)';
    return {
      what,
      samplesPerSec: rates[rates.length - 1],
      note: `${samples} samples, batch 64, decode + batching + steps (progress bar)${peak}`,
    };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** `eecal infer` of a split of a shipped model; samples/s as it prints it. */
export function inferEndToEnd(cifar: string, modelDir: string, workers: number): EndToEnd {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-bench-infer-'));
  const what = `eecal infer, CIFAR-10 val, ${workers} worker${workers > 1 ? 's' : ''}`;
  try {
    const r = spawnSync(
      process.execPath,
      [
        path.join(root, 'bin/eecal.js'),
        'infer',
        '--model',
        modelDir,
        '--split',
        'val',
        '--data',
        cifar,
        '--workers',
        String(workers),
        '--out',
        path.join(dir, 'val.csv'),
      ],
      { encoding: 'utf8', cwd: root, timeout: 600_000, env: { ...process.env, EECAL_BACKEND: 'wasm' } },
    );
    const m = /samples in [\d.]+ s \((\d+) samples\/s\)/.exec(r.stderr);
    if (r.status !== 0 || !m)
      return { what, samplesPerSec: null, note: `failed: ${r.stderr.trim().split('\n').pop()}` };
    return { what, samplesPerSec: Number(m[1]), note: '5,000 images, batch 256, batching + forward of all exits' };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Median ms of a replica-pool train step (batch 64) and forward pass (batch 256) on random input. */
export async function benchReplicas(workers: number, steps: number): Promise<{ trainMs: number; inferMs256: number }> {
  const model = buildBAlexNet({ seed: 0 }).model;
  const pool = await ReplicaPool.start(model, 'wasm', workers);
  const config: TrainConfig = {
    epochs: 1,
    batchSize: 64,
    learningRate: 1e-3,
    lrSchedule: 'constant',
    weightDecay: 0,
    lossWeights: [1, 1, 1],
    augment: false,
    seed: 1,
    patience: null,
    checkpointEveryMinutes: 1e9,
    keep: 'last',
    recipe: null,
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  try {
    const step = replicaTrainStep(pool, model, tf.train.adam(1e-3), config, 10);
    const x = tf.randomUniform([64, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const labels = new Int32Array(64).map((_, i) => i % 10);
    const train: number[] = [];
    for (let s = 0; s < steps + 2; s++) {
      const t = performance.now();
      await step(x, labels, s);
      if (s >= 2) train.push(performance.now() - t);
    }
    const big = new Float32Array(256 * 32 * 32 * 3).map((_, i) => (i % 255) / 255);
    const infer: number[] = [];
    for (let s = 0; s < steps + 2; s++) {
      const t = performance.now();
      await pool.predict(big.slice(), [256, 32, 32, 3]);
      if (s >= 2) infer.push(performance.now() - t);
    }
    x.dispose();
    return { trainMs: median(train), inferMs256: median(infer) };
  } finally {
    await pool.close();
    model.dispose();
  }
}
