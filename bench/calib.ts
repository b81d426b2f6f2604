/**
 * npm run bench:calib — the calibration library's speed against Python baselines run by this
 * same script (spawned /usr/bin/python3, timed inside Python so start-up is not counted):
 *  1. Temperature fit on 10,000 × 10 logits: eecal's exact solver (safeguarded Newton on 1/T)
 *     vs PyTorch's reference recipe LBFGS(lr=0.01, max_iter=200) from T0 = 1.5 (gpleiss
 *     temperature_scaling); both final NLLs are evaluated by the same float64 function.
 *  2. 15-bin ECE on 1,000,000 samples vs numpy's vectorised versions (the per-bin mask loop of
 *     Guo et al. and a np.bincount version); the values are checked equal.
 * Timings are medians of several repeats (after a warm-up). Without python3/numpy/torch the
 * comparison is skipped with a message (exit 0).
 */
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng } from '../src/util/rng';
import { fitTemperatureExact, TemperatureScaling } from '../src/calibration';
import { ece, nllFromLogits } from '../src/metrics';

const PYTHON = '/usr/bin/python3';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time<T>(repeats: number, f: () => T): { ms: number; value: T } {
  let value = f(); // warm-up (JIT), not timed
  const ts: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    value = f();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), value };
}

/** Over-confident synthetic logits: N × C, labels uniform, 30 % confidently wrong. */
function syntheticLogits(n: number, C: number, seed: number): { logits: Float64Array; labels: Int32Array } {
  const rng = createRng(seed);
  const logits = new Float64Array(n * C);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.int(C);
    for (let k = 0; k < C; k++) logits[i * C + k] = 2 * rng.normal();
    const boosted = rng.next() < 0.7 ? labels[i] : (labels[i] + 1 + rng.int(C - 1)) % C;
    logits[i * C + boosted] += 3 + 3 * rng.next();
  }
  return { logits, labels };
}

const PY_SCRIPT = String.raw`
import json, sys, time
import numpy as np
try:
    import torch
except ImportError:
    torch = None
d = sys.argv[1]
n, c, m = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
z = np.fromfile(d + '/logits.f64', dtype=np.float64).reshape(n, c)
y = np.fromfile(d + '/labels.i32', dtype=np.int32).astype(np.int64)
conf = np.fromfile(d + '/conf.f64', dtype=np.float64)
acc = np.fromfile(d + '/correct.u8', dtype=np.uint8).astype(np.float64)
def med(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); v = f(); ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2] * 1000, v
out = {}
if torch is not None:
    logits = torch.tensor(z, dtype=torch.float32)
    labels = torch.tensor(y)
    def fit():
        t = torch.nn.Parameter(torch.ones(1) * 1.5)
        crit = torch.nn.CrossEntropyLoss()
        opt = torch.optim.LBFGS([t], lr=0.01, max_iter=200)
        def closure():
            opt.zero_grad()
            loss = crit(logits / t.unsqueeze(1).expand(logits.size(0), logits.size(1)), labels)
            loss.backward()
            return loss
        opt.step(closure)
        return float(t.item())
    out['torchMs'], out['torchT'] = med(fit, 5)
    out['torchThreads'] = torch.get_num_threads()
edges = np.linspace(0, 1, m + 1)
def ece_masks():
    e = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inb = (conf > lo) & (conf <= hi)
        p = inb.mean()
        if p > 0:
            e += abs(conf[inb].mean() - acc[inb].mean()) * p
    return e
def ece_bincount():
    idx = np.clip(np.searchsorted(edges[1:], conf, side='left'), 0, m - 1)
    cnt = np.bincount(idx, minlength=m)
    sc = np.bincount(idx, weights=conf, minlength=m)
    sa = np.bincount(idx, weights=acc, minlength=m)
    nz = cnt > 0
    return float(np.sum(np.abs(sc[nz] - sa[nz])) / len(conf))
out['masksMs'], out['eceMasks'] = med(ece_masks, 7)
out['bincountMs'], out['eceBincount'] = med(ece_bincount, 7)
print(json.dumps(out))
`;

function main(): void {
  const n = 10_000;
  const C = 10;
  const M = 1_000_000;
  const { logits, labels } = syntheticLogits(n, C, 1);
  const rng = createRng(2);
  const conf = new Float64Array(M);
  const correct = new Uint8Array(M);
  for (let i = 0; i < M; i++) {
    conf[i] = 0.1 + 0.9 * Math.sqrt(rng.next());
    correct[i] = rng.next() < conf[i] - 0.05 ? 1 : 0;
  }

  const solve = time(20, () => fitTemperatureExact(logits, labels, C));
  const full = time(10, () => new TemperatureScaling().fit(logits, labels, C));
  const eceRun = time(15, () => ece(conf, correct));
  const ourNll = nllFromLogits(logits, labels, C, solve.value.temperature);
  console.log(`temperature fit, ${n.toLocaleString()} × ${C} logits (eecal, exact Newton on 1/T):`);
  console.log(
    `  solver only: ${solve.ms.toFixed(2)} ms, ${solve.value.iterations} iterations, T = ${solve.value.temperature.toFixed(6)}, ` +
      `relative gradient ${solve.value.relativeGradient.toExponential(1)}, NLL ${ourNll.toFixed(9)}`,
  );
  console.log(`  TemperatureScaling.fit with its before/after report: ${full.ms.toFixed(2)} ms`);
  console.log(
    `15-bin ECE, ${M.toLocaleString()} samples (eecal): ${eceRun.ms.toFixed(2)} ms, ECE = ${eceRun.value.toFixed(6)}`,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-bench-calib-'));
  try {
    fs.writeFileSync(path.join(dir, 'logits.f64'), Buffer.from(logits.buffer));
    fs.writeFileSync(path.join(dir, 'labels.i32'), Buffer.from(labels.buffer));
    fs.writeFileSync(path.join(dir, 'conf.f64'), Buffer.from(conf.buffer));
    fs.writeFileSync(path.join(dir, 'correct.u8'), Buffer.from(correct.buffer));
    if (!fs.existsSync(PYTHON)) {
      console.log(`\nskipped the Python comparison: ${PYTHON} not found`);
      return;
    }
    const py = spawnSync(PYTHON, ['-c', PY_SCRIPT, dir, String(n), String(C), '15'], { encoding: 'utf8' });
    if (py.status !== 0) {
      console.log(
        `\nskipped the Python comparison: ${PYTHON} failed (numpy missing?): ${py.stderr.trim().split('\n').pop()}`,
      );
      return;
    }
    const r = JSON.parse(py.stdout) as {
      torchMs?: number;
      torchT?: number;
      torchThreads?: number;
      masksMs: number;
      eceMasks: number;
      bincountMs: number;
      eceBincount: number;
    };
    console.log('\nPython baselines (same data, timed inside Python):');
    if (r.torchMs !== undefined && r.torchT !== undefined) {
      const torchNll = nllFromLogits(logits, labels, C, r.torchT);
      console.log(
        `  PyTorch LBFGS(lr=0.01, max_iter=200) from T0 = 1.5 (${r.torchThreads} threads): ${r.torchMs.toFixed(2)} ms, T = ${r.torchT.toFixed(6)}, NLL ${torchNll.toFixed(9)}`,
      );
      console.log(
        `  → eecal exact solver is ${(r.torchMs / solve.ms).toFixed(1)}× faster (full fit with report ${(r.torchMs / full.ms).toFixed(1)}×); ` +
          `NLL ${ourNll <= torchNll ? 'at least as low' : 'HIGHER'} (${ourNll.toFixed(9)} vs ${torchNll.toFixed(9)})`,
      );
    } else {
      console.log('  PyTorch not installed: temperature-fit comparison skipped');
    }
    console.log(
      `  numpy ECE, per-bin masks (Guo et al.): ${r.masksMs.toFixed(2)} ms; np.bincount: ${r.bincountMs.toFixed(2)} ms`,
    );
    const same = Math.abs(r.eceMasks - eceRun.value) < 1e-12 && Math.abs(r.eceBincount - eceRun.value) < 1e-12;
    console.log(
      `  → eecal ECE is ${(r.masksMs / eceRun.ms).toFixed(1)}× / ${(r.bincountMs / eceRun.ms).toFixed(1)}× faster than numpy (masks / bincount); ` +
        `values ${same ? 'equal' : `DIFFER (${r.eceMasks} / ${r.eceBincount})`}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
