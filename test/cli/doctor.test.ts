import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../src/util/repoRoot';

const root = repoRoot(__dirname);
const eecal = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [path.join(root, 'bin/eecal.js'), ...args], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 120_000,
  });

test('eecal doctor lists every candidate with a status, the chosen backend, GPU, kernel, Chromium; exit 0', () => {
  const r = eecal(['doctor', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    node: string;
    backend: { chosen: string; threads: number };
    candidates: Array<{ candidate: string; usable: boolean; detail: string }>;
    gpu: string;
    tslabKernel: string;
    chromium: string;
  };
  assert.equal(report.node, process.version);
  assert.deepEqual(
    report.candidates.map((c) => c.candidate),
    ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'],
  );
  assert.ok(report.candidates.every((c) => c.detail.length > 0));
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(report.backend.chosen));
  assert.ok(report.backend.threads >= 1);
  for (const k of ['gpu', 'tslabKernel', 'chromium'] as const) assert.ok(report[k].length > 0, k);
  const text = eecal(['doctor']);
  assert.match(text.stdout, /^node +v\d+/m);
  assert.match(text.stdout, /^chosen +\S+/m);
});

test('EECAL_BACKEND forces a backend and an unusable one fails clearly (exit 1 from doctor)', () => {
  const cpu = eecal(['doctor', '--json'], { EECAL_BACKEND: 'cpu' });
  assert.equal(cpu.status, 0);
  assert.equal(JSON.parse(cpu.stdout).backend.chosen, 'cpu');
  const bad = eecal(['doctor'], { EECAL_BACKEND: 'tfjs-node-gpu' });
  if (JSON.parse(eecal(['doctor', '--json']).stdout).backend.chosen !== 'tensorflow') {
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /chosen +none: backend tfjs-node-gpu is not usable here/);
  }
});
