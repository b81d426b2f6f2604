import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { briefError, DEBUG_HINT } from '../../src/plots/display/kernelErrors';
import { ConfigError } from '../../src/errors';

test('briefError: name and message, then each cause on its own line', () => {
  const inner = new RangeError('T must be positive');
  const err = new ConfigError('calibration file x.json: field "temperature" invalid', { cause: inner });
  assert.equal(
    briefError(err),
    'ConfigError: calibration file x.json: field "temperature" invalid\n  caused by RangeError: T must be positive',
  );
  assert.equal(
    briefError(new TypeError("Cannot read properties of undefined (reading 'layout')")),
    "TypeError: Cannot read properties of undefined (reading 'layout')",
  );
});

// As tslab runs a cell: the code goes through vm.runInThisContext (which decorates the stack with
// a source excerpt, TypeScript source here as the notebooks enable source maps) and the kernel
// prints the error with console.error. A child Node, so console.error is patched in it only.
function cell(env: Record<string, string>) {
  const mod = path.join(__dirname, '..', '..', 'src', 'plots', 'display', 'kernelErrors.ts');
  // tslab keeps the console.error of its start-up, before the library is loaded.
  const code = `
    process.setSourceMapsEnabled(true);
    const kernelError = console.error;
    require(${JSON.stringify(mod)}).installBriefKernelErrors();
    const { ConfigError } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'errors.ts'))});
    globalThis.__fail = () => { throw new ConfigError('notebook 07 needs a model with at least 3 exits; m has 2'); };
    try { require('node:vm').runInThisContext('(function () { __fail(); })()'); } catch (e) { kernelError(e); }
    kernelError('plain', 'text');`;
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

test('in a kernel, a failed cell prints one line and a hint; EECAL_DEBUG=1 prints the stack', () => {
  const brief = cell({ EECAL_DEBUG: '' });
  assert.equal(brief.status, 0, brief.stderr);
  assert.equal(
    brief.stderr,
    `ConfigError: notebook 07 needs a model with at least 3 exits; m has 2\n${DEBUG_HINT}\nplain text\n`,
  );
  const full = cell({ EECAL_DEBUG: '1' });
  assert.match(full.stderr, /^ConfigError: notebook 07 needs/m);
  assert.match(full.stderr, /\n\s+at .*kernelErrors|\n\s+at /);
  assert.match(full.stderr, /node:vm/);
});
