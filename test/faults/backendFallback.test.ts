import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { addressSpaceLimit, fallbackNote } from '../../src/cli/backendFallback';
import type { BackendChoice } from '../../src/backend/selectBackend';
import { root } from './cli';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max address space         8192000000           8192000000           bytes
`;

const choice = (wasmDetail: string): BackendChoice => ({
  candidate: 'cpu',
  backend: 'cpu',
  threads: 1,
  gpu: false,
  nativeKernels: false,
  kernels: [],
  statuses: [
    { candidate: 'tfjs-node', backend: 'tensorflow', usable: false, detail: 'not installed' },
    { candidate: 'wasm', backend: 'wasm', usable: false, detail: wasmDetail },
    { candidate: 'cpu', backend: 'cpu', usable: true, detail: 'pure JavaScript (slow; always available)' },
  ],
});

test('the address-space limit is read from /proc/self/limits (bytes), unlimited is null', () => {
  assert.equal(addressSpaceLimit(LIMITS), 8192000000);
  assert.equal(addressSpaceLimit(LIMITS.replace(/8192000000/g, 'unlimited')), null);
});

test('a fallback after a backend failed to initialise is announced with its reason; a missing package is not a fallback', () => {
  assert.equal(
    fallbackNote(choice('failed to initialise'), 8192000000),
    "note: backend wasm failed to initialise, so cpu runs instead (much slower): the address-space limit (ulimit -v 8000000 KiB) leaves WebAssembly no room to reserve its memory; raise it (ulimit -v unlimited), and ignore tfjs's advice about serving the .wasm file",
  );
  assert.match(
    fallbackNote(choice('failed to initialise: boom'), null) ?? '',
    /wasm failed to initialise, so cpu runs instead \(much slower\): failed to initialise: boom; see eecal doctor/,
  );
  assert.equal(fallbackNote(choice('not installed'), 8192000000), null);
});

test(
  'eecal doctor under ulimit -v says why it fell back to cpu (built CLI; skipped without dist/)',
  {
    skip:
      !fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'doctor.js')) &&
      !fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'commands', 'doctor.js')),
  },
  () => {
    const env = { ...process.env };
    delete env.EECAL_BACKEND;
    const r = spawnSync('bash', ['-c', `ulimit -v 8000000; exec "${process.execPath}" bin/eecal.js doctor`], {
      encoding: 'utf8',
      cwd: root,
      timeout: 120_000,
      env,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /note: backend wasm failed to initialise, so cpu runs instead \(much slower\): the address-space limit \(ulimit -v 8000000 KiB\)/,
    );
  },
);
