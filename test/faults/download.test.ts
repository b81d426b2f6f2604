import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { root } from './cli';

test('a download without WebAssembly memory (as under ulimit -v) fails with the DataError only, no uncaught RangeError', () => {
  // --jitless disables WebAssembly, which fetch's HTTP parser needs; node's http client does not.
  const r = spawnSync(
    process.execPath,
    ['--jitless', '--import', 'tsx', path.join(root, 'test/faults/downloadChild.ts')],
    { encoding: 'utf8', cwd: root, timeout: 60_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout.trim(),
    `DataError: downloading http://127.0.0.1:${/127\.0\.0\.1:(\d+)/.exec(r.stdout)?.[1]}/cifar.tar.gz: HTTP 404`,
  );
  assert.doesNotMatch(r.stderr, /RangeError|WebAssembly|undici/);
});

test(
  'the failed CIFAR-10 download under ulimit -v: exit 3 with the clear error only (built CLI; skipped without dist/)',
  { skip: !fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js')) },
  () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-dl-'));
    // The CLI's download URL is not configurable: the official host must not resolve (no network),
    // or this would download the real archive; elsewhere the test returns early.
    const dns = spawnSync('getent', ['hosts', 'www.cs.toronto.edu'], { encoding: 'utf8' });
    if (dns.status === 0) {
      fs.rmSync(empty, { recursive: true, force: true });
      return;
    }
    const r = spawnSync(
      'bash',
      ['-c', `ulimit -v 8000000; exec "${process.execPath}" bin/eecal.js data inspect cifar10 --data "${empty}"`],
      { encoding: 'utf8', cwd: root, timeout: 120_000 },
    );
    fs.rmSync(empty, { recursive: true, force: true });
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /eecal data: error: CIFAR-10 binary files not found .* downloading .* failed/);
  },
);
