import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REFERENCE_PATH, repoRoot } from './reference';

const enabled = process.env.EECAL_REFERENCE_PYTHON === '1';

/** Compare every numeric leaf to a relative tolerance (torch/BLAS builds may differ in the last bits). */
function assertClose(a: unknown, b: unknown, where: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${where}: ${a} vs ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, `${where}: length`);
    a.forEach((v, i) => assertClose(v, b[i], `${where}[${i}]`));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), where);
    for (const k of Object.keys(a))
      if (k !== 'versions')
        assertClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
  } else {
    assert.equal(a, b, where);
  }
}

test(
  'scripts/reference_calibration.py regenerates the committed fixture (opt-in: EECAL_REFERENCE_PYTHON=1, ≈10 s)',
  { skip: !enabled && 'set EECAL_REFERENCE_PYTHON=1 (needs /usr/bin/python3 with numpy, scipy, sklearn, torch)' },
  () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-reference-')), 'reference.json');
    const r = spawnSync(
      '/usr/bin/python3',
      [path.join(repoRoot(), 'scripts', 'reference_calibration.py'), '--out', out],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assertClose(
      JSON.parse(fs.readFileSync(out, 'utf8')),
      JSON.parse(fs.readFileSync(REFERENCE_PATH, 'utf8')),
      'reference',
    );
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  },
);
