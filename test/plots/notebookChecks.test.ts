import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkCommitted, checkExecuted, directoryImports, type Notebook } from '../../scripts/test-notebooks';
import { repoRoot } from '../../src/util/repoRoot';

const md = (s: string) => ({ cell_type: 'markdown' as const, source: s });
const code = (s: string, extra: object = {}) => ({
  cell_type: 'code' as const,
  source: s,
  outputs: [],
  execution_count: null,
  metadata: {},
  ...extra,
});
const nb = (cells: Notebook['cells']): Notebook => ({ cells, metadata: { kernelspec: { name: 'tslab' } } });

test('committed notebooks: title + subtitle, no stored outputs, no function/class/loops, tslab kernel', () => {
  assert.deepEqual(checkCommitted(nb([md('# T\nsub'), code('const x = [1].map((v) => v + 1);')]), 'ok.ipynb'), []);
  const bad = checkCommitted(
    {
      cells: [
        md('no title'),
        code('function f() {}'),
        code('class A {}'),
        code('for (const x of y) {}'),
        code('1', { outputs: [{ output_type: 'stream', name: 'stdout', text: '1' }] }),
      ],
      metadata: {},
    },
    'bad.ipynb',
  );
  assert.equal(bad.length, 6);
  assert.match(bad.join('\n'), /kernelspec must be "tslab"/);
  assert.match(bad.join('\n'), /cell 1 must be markdown with a "# Title" line/);
  assert.match(bad.join('\n'), /cell 2 declares a function or class/);
  assert.match(bad.join('\n'), /cell 3 declares a function or class/);
  assert.match(bad.join('\n'), /cell 4 has a loop/);
  assert.match(bad.join('\n'), /cell 5 has stored outputs/);
  assert.deepEqual(
    checkCommitted(nb([md('# T\nsub'), code('// a function comment\nrows.forEach((r) => r)')]), 'c.ipynb'),
    [],
    'comments and forEach are fine',
  );
});

test('executed notebooks: stderr streams (tslab errors), error outputs and missing outputs fail', () => {
  const ok = nb([
    md('# T\ns'),
    code('1', { outputs: [{ output_type: 'stream', name: 'stdout', text: '1\n' }] }),
    code('x', { metadata: { tags: ['no-output'] } }),
  ]);
  assert.deepEqual(checkExecuted(ok, 'ok'), []);
  const bad = nb([
    code('a', {
      outputs: [{ output_type: 'stream', name: 'stderr', text: ['1:7 - Type ', "'string' is not assignable"] }],
    }),
    code('b', { outputs: [{ output_type: 'error', ename: 'TypeError', evalue: 'boom' }] }),
    code('c'),
  ]);
  assert.deepEqual(checkExecuted(bad, 'bad'), [
    "bad: cell 1 wrote to stderr: 1:7 - Type 'string' is not assignable",
    'bad: cell 2 raised TypeError: boom',
    'bad: 1 later cell produced no output (not run after the error in cell 1)',
  ]);
  assert.deepEqual(checkExecuted(nb([code('a')]), 'empty'), [
    'empty: cell 1 produced no output (expected one; tag the cell "no-output" if that is intended)',
  ]);
});

test('folder imports (which tslab cannot resolve) are found', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-imports-'));
  try {
    fs.mkdirSync(path.join(dir, 'src', 'lib'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'lib', 'index.ts'), 'export const a = 1;\n');
    fs.writeFileSync(
      path.join(dir, 'src', 'a.ts'),
      "import { a } from './lib';\nimport { b } from './lib/index';\nconst c = import('./lib');\n",
    );
    assert.deepEqual(directoryImports(path.join(dir, 'src')), [
      "src/a.ts imports './lib' (write './lib/index')",
      "src/a.ts imports './lib' (write './lib/index')",
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the committed notebooks pass the static checks', () => {
  const dir = path.join(repoRoot(__dirname), 'notebooks');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb'));
  assert.ok(files.length >= 8, `expected notebooks 01–08, found ${files.length}`);
  for (const f of files)
    assert.deepEqual(checkCommitted(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Notebook, f), []);
});
