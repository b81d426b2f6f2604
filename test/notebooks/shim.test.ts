import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../src/util/repoRoot';

// notebooks/eecal.js is what every notebook imports: the compiled library (dist/) with source maps
// on. These run it in a child Node (as the tslab kernel does) so the source-map switch and the
// module cache are the child's own.
const root = repoRoot(__dirname);
const shim = path.join(root, 'notebooks', 'eecal.js');
const built = fs.existsSync(path.join(root, 'dist', 'src', 'notebook.js'));
const skip = built ? false : 'dist/ not built (npm run build)';

function node(code: string) {
  return spawnSync(process.execPath, ['-e', code], {
    cwd: path.join(root, 'notebooks'),
    encoding: 'utf8',
    timeout: 120_000,
  });
}

test('a library error in a notebook names the TypeScript file and line, not dist/*.js', { skip }, () => {
  const r = node(`require(${JSON.stringify(shim)}).openStudy('/nonexistent-eecal-folder')`);
  assert.notEqual(r.status, 0);
  const frame = /at readModelFolder \((.*?src\/records\/modelFolder\.ts):(\d+):(\d+)\)/.exec(r.stderr);
  assert.ok(frame, `stack has a src/records/modelFolder.ts frame:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /dist\/src\//);
  // The mapped line is the one in the source that throws this error.
  const line = fs.readFileSync(path.join(root, 'src', 'records', 'modelFolder.ts'), 'utf8').split('\n')[
    Number(frame[2]) - 1
  ];
  assert.match(line, /throw new DataError\(.*not found/);
  assert.match(r.stderr, /nonexistent-eecal-folder\/records\/val\.csv: not found/);
});

test(
  'the shim exposes the notebook API and the model entry points, and loads tfjs only when one is used',
  { skip },
  () => {
    const r = node(`
    const api = require(${JSON.stringify(shim)});
    const tfjs = () => Object.keys(require.cache).some((k) => k.includes('/@tensorflow/'));
    const before = tfjs();
    const kinds = ['openStudy', 'calibrationStudy', 'renderReliability', 'buildArchitecture', 'trainEarlyExit', 'readSidecar'].map((n) => typeof api[n]);
    console.log(JSON.stringify({ before, kinds, after: tfjs() }));`);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), {
      before: false,
      kinds: Array(6).fill('function'),
      after: true,
    });
  },
);

test('the shim declares every name it exports lazily (eecal.d.ts matches eecal.js)', () => {
  const js = fs.readFileSync(shim, 'utf8');
  const dts = fs.readFileSync(path.join(root, 'notebooks', 'eecal.d.ts'), 'utf8');
  const lazy = [...js.slice(js.indexOf('const LAZY')).matchAll(/^\s+(\w+): '([\w/]+)',$/gm)].map((m) => [m[1], m[2]]);
  assert.ok(lazy.length >= 10);
  for (const [name, mod] of lazy) {
    assert.ok(fs.existsSync(path.join(root, 'src', `${mod}.ts`)), `src/${mod}.ts exists`);
    assert.match(
      dts,
      new RegExp(`export \\{[^}]*\\b${name}\\b[^}]*\\} from '\\.\\./dist/src/${mod}'`),
      `${name} declared from ${mod}`,
    );
  }
});
