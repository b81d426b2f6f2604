import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/util/repoRoot';
import { specifiers } from './sourceImports';

/**
 * No dependency without an import: every runtime dependency in package.json is imported (import,
 * dynamic import, require or require.resolve) by some file in src/ or scripts/. Dev dependencies are
 * tools (tsc, tsx, type packages) and are not checked. Optional peers (tfjs-node, tslab,
 * playwright-core) are what a user who only analyses records may leave out: src/ may load them
 * only lazily (require in a function, type-only imports), never by a static import.
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
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const used = new Set<string>();
  for (const f of [...files(path.join(root, 'src')), ...files(path.join(root, 'scripts'))]) {
    for (const s of specifiers(fs.readFileSync(f, 'utf8')))
      if (!s.startsWith('.') && !s.startsWith('node:')) used.add(packageOf(s));
  }
  assert.deepEqual(
    Object.keys(pkg.dependencies).filter((d) => !used.has(d)),
    [],
  );
});

/** Bare specifiers that a file imports statically for their values (`import type` does not count). */
export function staticValueImports(text: string): string[] {
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^;'"]*?\bfrom\s*)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]);
  return out;
}

test('staticValueImports: value imports and re-exports count, type-only imports and require do not', () => {
  const text = [
    "import { chromium } from 'playwright-core';",
    "import type { Page } from 'playwright-core';",
    "import 'side-effect';",
    "export { x } from 'reexported';",
    "const t = require('tslab/dist/jupyter');",
  ].join('\n');
  assert.deepEqual(staticValueImports(text), ['playwright-core', 'side-effect', 'reexported']);
});

test('optional peer dependencies are declared optional and loaded lazily by src/', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
  };
  const optionalPeers = Object.keys(pkg.peerDependencies).filter((p) => pkg.peerDependenciesMeta[p]?.optional);
  for (const p of ['tslab', 'playwright-core']) {
    assert.ok(optionalPeers.includes(p), `${p} is an optional peer dependency (notebooks and PNG/SVG export only)`);
    assert.equal(pkg.dependencies[p], undefined, `${p} is not a runtime dependency`);
    // A checkout still installs it (npm ci), for the notebooks, the browser tests and scripts/setup.sh.
    assert.equal(pkg.devDependencies[p], pkg.peerDependencies[p], `${p}: dev and peer versions agree`);
  }
  const eager: string[] = [];
  for (const f of files(path.join(root, 'src'))) {
    for (const s of staticValueImports(fs.readFileSync(f, 'utf8'))) {
      if (optionalPeers.includes(packageOf(s))) eager.push(`${path.relative(root, f)}: ${s}`);
    }
  }
  assert.deepEqual(eager, []);
});
