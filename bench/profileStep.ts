/**
 * Per-kernel profile of one B-AlexNet training step (joint CE of the 3 exits, Adam 1e-3) on the
 * active tfjs backend, the way `src/train/trainer.ts` runs it: upload the batch from a
 * Float32Array, forward + backward (`optimizer.computeGradients`), Adam update, read the loss back.
 *
 * Kernel times come from `tf.profile`: on wasm every kernel is synchronous and the backend's
 * `time()` is the wall-clock time of the kernel function, so `kernelMs` is the kernel's real cost
 * (eecal's composite kernels call their sub-kernels outside the engine, so a composite is timed
 * as one kernel). Each kernel is attributed to the phase it ran in — forward, backward (gradient
 * kernels) or optimizer — by the length of the profile's kernel list at the end of the loss
 * function and at the end of `computeGradients`. Scope entries (`…__op`) wrap kernels that are
 * recorded on their own, so they are dropped (they would be counted twice).
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { buildBAlexNet } from '../src/models/bAlexNet';
import { trainableVariables } from '../src/train/modelVariables';

export type StepPhase = 'forward' | 'backward' | 'optimizer' | 'data' | 'other';

export interface ProfileRow {
  phase: StepPhase;
  /** Kernel name, or what the row stands for (data conversion, engine overhead). */
  name: string;
  /** Calls per step. */
  calls: number;
  /** Mean milliseconds per step. */
  ms: number;
}

export interface StepProfile {
  backend: string;
  batch: number;
  steps: number;
  /** Mean wall milliseconds of a profiled step (upload + compute + read-back). */
  stepMs: number;
  /** Rows sorted by ms, descending; their ms add up to stepMs. */
  rows: ProfileRow[];
  loadAverage: number[];
}

interface EngineWithProfile {
  state: { activeProfile: { kernels: unknown[] } };
}
const profiledKernelCount = () => (tf.engine() as unknown as EngineWithProfile).state.activeProfile.kernels.length;

/**
 * Profile `steps` training steps of a fresh B-AlexNet (seed 0) at batch `batch` on the current
 * backend, after `warmup` unprofiled steps; per-step means per (phase, kernel).
 */
export async function profileTrainingStep(
  opts: { batch?: number; warmup?: number; steps?: number } = {},
): Promise<StepProfile> {
  const batch = opts.batch ?? 64;
  const warmup = opts.warmup ?? 3;
  const steps = opts.steps ?? 5;
  const net = buildBAlexNet({ seed: 0 });
  const model = net.model;
  const optimizer = tf.train.adam(1e-3);
  const vars = trainableVariables(model);
  // Host-side batch as the trainer has it (decoded, augmented images in a Float32Array).
  const host = new Float32Array(batch * 32 * 32 * 3);
  for (let i = 0; i < host.length; i++) host[i] = ((i * 2654435761) >>> 0) / 2 ** 32;
  const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10);

  const acc = new Map<string, ProfileRow>();
  const add = (phase: StepPhase, name: string, ms: number, calls = 1) => {
    const key = `${phase}\u0000${name}`;
    const row = acc.get(key) ?? { phase, name, calls: 0, ms: 0 };
    row.calls += calls;
    row.ms += ms;
    acc.set(key, row);
  };

  let total = 0;
  for (let s = 0; s < warmup + steps; s++) {
    const profiled = s >= warmup;
    let endForward = -1;
    let endBackward = -1;
    let uploadMs = 0;
    let readMs = 0;
    const t0 = performance.now();
    const run = () => {
      const u = performance.now();
      const x = tf.tensor4d(host, [batch, 32, 32, 3]);
      uploadMs = performance.now() - u;
      const { value, grads } = optimizer.computeGradients(() => {
        const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
        const outs = model.apply(x, { training: true }) as tf.Tensor[];
        const loss = tf.addN(outs.map((o) => tf.losses.softmaxCrossEntropy(y, o))) as tf.Scalar;
        if (profiled) endForward = profiledKernelCount();
        return loss;
      }, vars);
      if (profiled) endBackward = profiledKernelCount();
      optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
      tf.dispose(grads);
      const r = performance.now();
      const loss = value.dataSync()[0];
      readMs = performance.now() - r;
      if (!Number.isFinite(loss)) throw new Error('profile: non-finite loss');
      tf.dispose([value, x]);
    };
    if (!profiled) {
      run();
      continue;
    }
    const info = await tf.profile(run);
    const stepMs = performance.now() - t0;
    total += stepMs;
    let kernelMs = 0;
    info.kernels.forEach((k, i) => {
      if (k.name.endsWith('__op')) return;
      const phase: StepPhase = i < endForward ? 'forward' : i < endBackward ? 'backward' : 'optimizer';
      add(phase, k.name, k.kernelTimeMs as number);
      kernelMs += k.kernelTimeMs as number;
    });
    add('data', 'upload batch (Float32Array → backend)', uploadMs);
    add('data', 'read loss (dataSync)', readMs);
    add('other', 'engine, tape, JS between kernels', stepMs - kernelMs - uploadMs - readMs);
  }
  optimizer.dispose();
  model.dispose();
  const rows = [...acc.values()]
    .map((r) => ({ ...r, calls: r.calls / steps, ms: r.ms / steps }))
    .sort((a, b) => b.ms - a.ms);
  return { backend: tf.getBackend(), batch, steps, stepMs: total / steps, rows, loadAverage: os.loadavg() };
}

/** The profile as a text table: one row per (phase, kernel), with per-phase subtotals. */
export function formatStepProfile(p: StepProfile, title = 'per-kernel profile'): string {
  const pct = (ms: number) => `${((100 * ms) / p.stepMs).toFixed(1)}%`;
  const lines = [
    `${title}: B-AlexNet training step, batch ${p.batch}, backend ${p.backend}, mean of ${p.steps} profiled steps = ${p.stepMs.toFixed(1)} ms/step`,
    `load average ${p.loadAverage.map((v) => v.toFixed(2)).join(' ')} (2 cores shared: absolute ms are inflated by other jobs, the shares are still meaningful)`,
    `${'phase'.padEnd(10)} ${'kernel'.padEnd(40)} ${'calls'.padStart(6)} ${'ms/step'.padStart(8)} ${'% step'.padStart(7)}`,
  ];
  for (const r of p.rows) {
    lines.push(
      `${r.phase.padEnd(10)} ${r.name.padEnd(40)} ${String(Math.round(r.calls)).padStart(6)} ${r.ms.toFixed(2).padStart(8)} ${pct(r.ms).padStart(7)}`,
    );
  }
  const phases: StepPhase[] = ['forward', 'backward', 'optimizer', 'data', 'other'];
  lines.push(
    phases
      .map((ph) => {
        const ms = p.rows.filter((r) => r.phase === ph).reduce((s, r) => s + r.ms, 0);
        return `${ph} ${ms.toFixed(1)} ms (${pct(ms)})`;
      })
      .join(' · '),
  );
  return lines.join('\n');
}

/**
 * Before/after in one process (same load): profile with `kernels` restored to the kernels eecal's
 * replaced, then with eecal's, interleaved `rounds` times (ABAB…), and merge per variant.
 * `register` puts eecal's kernels (back) in place; `registerBefore`, when given, registers the
 * "before" variant instead of leaving the replaced kernels (e.g. eecal's wasm kernels before its
 * native ones).
 */
export async function compareKernelSets(
  kernels: string[],
  unregister: (name: string) => boolean,
  register: () => void,
  opts: { batch?: number; steps?: number; rounds?: number; registerBefore?: () => void } = {},
): Promise<{ before: StepProfile; after: StepProfile }> {
  const rounds = opts.rounds ?? 2;
  const runs: { before: StepProfile[]; after: StepProfile[] } = { before: [], after: [] };
  for (let r = 0; r < rounds; r++) {
    kernels.forEach((k) => unregister(k));
    opts.registerBefore?.();
    runs.before.push(await profileTrainingStep({ batch: opts.batch, steps: opts.steps }));
    kernels.forEach((k) => unregister(k));
    register();
    runs.after.push(await profileTrainingStep({ batch: opts.batch, steps: opts.steps }));
  }
  return { before: mergeProfiles(runs.before), after: mergeProfiles(runs.after) };
}

/** Mean of several profiles of the same step (rows matched by phase and name). */
export function mergeProfiles(ps: StepProfile[]): StepProfile {
  const acc = new Map<string, ProfileRow>();
  for (const p of ps) {
    for (const r of p.rows) {
      const key = `${r.phase}\u0000${r.name}`;
      const row = acc.get(key) ?? { phase: r.phase, name: r.name, calls: 0, ms: 0 };
      row.calls += r.calls / ps.length;
      row.ms += r.ms / ps.length;
      acc.set(key, row);
    }
  }
  return {
    backend: ps[0].backend,
    batch: ps[0].batch,
    steps: ps.reduce((s, p) => s + p.steps, 0),
    stepMs: ps.reduce((s, p) => s + p.stepMs, 0) / ps.length,
    rows: [...acc.values()].sort((a, b) => b.ms - a.ms),
    loadAverage: ps[ps.length - 1].loadAverage,
  };
}

/** Side-by-side ms/step of the rows of `before` and `after` (the top `top` rows of either, by ms). */
export function formatComparison(before: StepProfile, after: StepProfile, top = 15): string {
  const key = (r: ProfileRow) => `${r.phase} ${r.name}`;
  const b = new Map(before.rows.map((r) => [key(r), r.ms]));
  const a = new Map(after.rows.map((r) => [key(r), r.ms]));
  const names = [...new Set([...before.rows.slice(0, top), ...after.rows.slice(0, top)].map(key))].sort(
    (x, y) => (b.get(y) ?? 0) - (b.get(x) ?? 0),
  );
  const lines = [
    `before/after, same process, interleaved: whole step ${before.stepMs.toFixed(1)} → ${after.stepMs.toFixed(1)} ms (${(((after.stepMs - before.stepMs) / before.stepMs) * 100).toFixed(1)}%), load average ${after.loadAverage.map((v) => v.toFixed(2)).join(' ')}`,
    `${'phase kernel'.padEnd(52)} ${'before'.padStart(8)} ${'after'.padStart(8)}  (ms/step)`,
  ];
  for (const n of names)
    lines.push(`${n.padEnd(52)} ${(b.get(n) ?? 0).toFixed(2).padStart(8)} ${(a.get(n) ?? 0).toFixed(2).padStart(8)}`);
  return lines.join('\n');
}
