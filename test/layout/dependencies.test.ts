import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/util/repoRoot';
import { specifiers } from './sourceImports';

/**
 * No dependency without an import: every runtime dependency in package.json is imported (import,
 * dynamic import, require or require.resolve) by some file in src/ or scripts/. Dev dependencies are
 * tools (tsc, tsx, type packages) and are not checked.
 */
const root = repoRoot();

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? files(p) : /\.(ts|js)$/.test(d.name) ? [p] : [];
  });
}

/** Package name of a bare specifier ("@scope/name/sub" → "@scope/name", "name/sub" → "name"). */
export function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

test('packageOf strips subpaths and keeps scopes', () => {
  assert.equal(packageOf('tslab/dist/jupyter'), 'tslab');
  assert.equal(packageOf('@tensorflow/tfjs-backend-wasm/wasm-out/x.wasm'), '@tensorflow/tfjs-backend-wasm');
  assert.equal(packageOf('mathjs'), 'mathjs');
});

test('every runtime dependency in package.json is imported in src/ or scripts/', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const used = new Set<string>();
  for (const f of [...files(path.join(root, 'src')), ...files(path.join(root, 'scripts'))]) {
    for (const s of specifiers(fs.readFileSync(f, 'utf8'))) if (!s.startsWith('.') && !s.startsWith('node:')) used.add(packageOf(s));
  }
  assert.deepEqual(Object.keys(pkg.dependencies).filter((d) => !used.has(d)), []);
});
