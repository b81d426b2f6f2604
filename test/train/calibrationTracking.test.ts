import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRng } from '../../src/util/rng';
import { TRACKED_P_TARS, trackCalibration, type SplitLogits } from '../../src/train/calibrationTracking';
import { formatCalibrationOverTraining } from '../../src/records/calibrationOverTraining';

// Three exits, 10 classes; logits sharpened so the exits are overconfident (T > 1 expected).
function split(n: number, seed: number): SplitLogits {
  const rng = createRng(seed);
  const C = 10;
  const labels = new Int32Array(n);
  const logits = [0, 1, 2].map(() => new Float32Array(n * C));
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(rng.next() * C);
    logits.forEach((l, e) => {
      for (let k = 0; k < C; k++) l[i * C + k] = 3 * rng.normal() + (k === labels[i] ? 2 + e : 0);
    });
  }
  return { labels, logits };
}

// Independent reference: numpy/scipy recompute every tracked number from the same logits.
const PY = String.raw`
import json, sys, numpy as np
from scipy.optimize import minimize_scalar
d = json.load(sys.stdin); C = 10
def arr(s): return np.array(s['labels']), [np.array(l, dtype=np.float64).reshape(-1, C) for l in s['logits']]
vy, vz = arr(d['val']); ty, tz = arr(d['test'])
def logsm(z): z = z - z.max(1, keepdims=True); return z - np.log(np.exp(z).sum(1, keepdims=True))
def nll(z, y, T=1.0): return float(-logsm(z / T)[np.arange(len(y)), y].mean())
def ece(conf, corr, bins=15):
    e = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (conf > lo) & (conf <= hi) if b > 0 else (conf >= lo) & (conf <= hi)
        if m.any(): e += m.mean() * abs(conf[m].mean() - corr[m].mean())
    return float(e)
out = {'exits': [], 'cascade': {}}
confs = {'uncal': [], 'ts': []}
for e in range(3):
    T = minimize_scalar(lambda t: nll(vz[e], vy, t), bounds=(0.05, 20), method='bounded', options={'xatol': 1e-10}).x
    p1 = np.exp(logsm(tz[e])); pT = np.exp(logsm(tz[e] / T))
    corr = (p1.argmax(1) == ty).astype(float)
    confs['uncal'].append(p1.max(1)); confs['ts'].append(pT.max(1))
    out['exits'].append({'acc': corr.mean(), 'nll': nll(tz[e], ty), 'ece': ece(p1.max(1), corr), 'T': T,
                         'nllTs': nll(tz[e], ty, T), 'eceTs': ece(pT.max(1), corr)})
preds = [z.argmax(1) for z in tz]
for cal in ['uncal', 'ts']:
    for k in [1, 2]:
        for p in [0.7, 0.8, 0.9]:
            keep = np.zeros(len(ty), bool); pred = preds[2].copy()
            for e in range(k - 1, -1, -1):
                hit = confs[cal][e] >= p
                pred = np.where(hit, preds[e], pred); keep |= hit
            acc = float((pred[keep] == ty[keep]).mean()) if keep.any() else None
            out['cascade'][f'{cal}-{k}-{p}'] = {'acc': acc, 'poff': 1 - keep.mean()}
print(json.dumps(out))
`;

test('calibration tracking matches numpy/scipy: accuracy, NLL, 15-bin ECE, T on val, cascade at p_tar 0.7/0.8/0.9, k = 1, 2', () => {
  const val = split(600, 1);
  const test_ = split(800, 2);
  const t = trackCalibration(4, val, test_, 10);
  const payload = JSON.stringify({
    val: { labels: Array.from(val.labels), logits: val.logits.map((l) => Array.from(l)) },
    test: { labels: Array.from(test_.labels), logits: test_.logits.map((l) => Array.from(l)) },
  });
  const r = spawnSync('/usr/bin/python3', ['-c', PY], { input: payload, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const ref = JSON.parse(r.stdout) as {
    exits: Array<Record<string, number>>;
    cascade: Record<string, { acc: number | null; poff: number }>;
  };
  assert.equal(t.epoch, 4);
  t.exits.forEach((x, e) => {
    const want = ref.exits[e];
    assert.ok(Math.abs(x.testAccuracy - want.acc) < 1e-12, `acc exit ${e + 1}`);
    assert.ok(Math.abs(x.testNll - want.nll) < 1e-5, `nll exit ${e + 1}: ${x.testNll} vs ${want.nll}`);
    assert.ok(Math.abs(x.testEce - want.ece) < 1e-6, `ece exit ${e + 1}: ${x.testEce} vs ${want.ece}`);
    assert.ok(Math.abs(x.temperature - want.T) < 1e-4, `T exit ${e + 1}: ${x.temperature} vs ${want.T}`);
    assert.ok(x.temperature > 1.2, 'sharpened logits are overconfident');
    assert.ok(Math.abs(x.testNllTs - want.nllTs) < 1e-5);
    assert.ok(Math.abs(x.testEceTs - want.eceTs) < 1e-4);
  });
  for (const [cal, points] of [
    ['uncal', t.uncalibrated],
    ['ts', t.temperatureScaled],
  ] as const) {
    assert.equal(points.length, 6);
    for (const p of points) {
      const want = ref.cascade[`${cal}-${p.k}-${p.pTar}`];
      assert.ok(Math.abs(p.offloadProbability - want.poff) < 1e-12, `${cal} k${p.k} p${p.pTar} P_off`);
      if (want.acc === null) assert.ok(Number.isNaN(p.onDeviceAccuracy));
      else assert.ok(Math.abs(p.onDeviceAccuracy - want.acc) < 1e-12, `${cal} k${p.k} p${p.pTar} accuracy`);
    }
  }
  // CSV: one row per exit; cascade cells on the row of the last device exit only.
  const lines = formatCalibrationOverTraining([t], TRACKED_P_TARS).trim().split('\n');
  assert.equal(lines.length, 4);
  const header = lines[0].split(',');
  const row = (exit: number) => Object.fromEntries(lines[exit].split(',').map((v, i) => [header[i], v]));
  assert.equal(Number(row(1).temperature_val).toFixed(4), t.exits[0].temperature.toFixed(4));
  assert.equal(
    Number(row(2)['p_off_ts_ptar0.8']),
    Number(t.temperatureScaled.find((p) => p.k === 2 && p.pTar === 0.8)!.offloadProbability.toPrecision(6)),
  );
  assert.equal(row(3)['p_off_ts_ptar0.8'], '');
});
