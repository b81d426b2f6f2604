import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/util/repoRoot';
import { specifiers } from './sourceImports';

/**
 * The direction of the analysis, checked on the source: cascade below calibration and offloading,
 * neither of those two importing the other, no analysis layer reaching into the CLI, and the pure
 * layers (and the notebook entry point) free of tfjs even through a chain of imports.
 */
const SRC = path.join(repoRoot(), 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(c)) return c;
  return null;
}

const files = sourceFiles(SRC);
const graph = new Map(
  files.map((f) => {
    const specs = specifiers(fs.readFileSync(f, 'utf8'));
    return [
      f,
      {
        local: specs.map((s) => resolveLocal(f, s)).filter((x): x is string => x !== null),
        packages: specs.filter((s) => !s.startsWith('.')),
      },
    ];
  }),
);
/** Top folder under src/ ("cli", "calibration", …), or the file name for files directly in src/. */
const layer = (f: string) => path.relative(SRC, f).split(path.sep)[0].replace(/\.ts$/, '');

test('the import scanner sees every kind of import', () => {
  const text = `import a from './a';\nimport type { B } from "../b";\nexport { c } from './c';\nimport './d';\nconst e = await import('./e');\nrequire.resolve('pkg/x');`;
  assert.deepEqual(specifiers(text), ['./a', '../b', './c', './d', './e', 'pkg/x']);
});

test('no import runs calibration ↔ offloading, cascade → either, or calibration/metrics/offloading/records → cli', () => {
  const forbidden: Record<string, string[]> = {
    calibration: ['offloading', 'cli', 'study', 'report'],
    offloading: ['calibration', 'cli', 'study', 'report'],
    cascade: ['calibration', 'offloading', 'cli', 'study', 'report'],
    metrics: ['calibration', 'offloading', 'cli', 'study', 'report'],
    records: ['calibration', 'offloading', 'cli', 'study', 'report'],
    study: ['cli', 'report', 'notebookStore', 'notebook'],
    plots: ['cli', 'study', 'report'],
  };
  const bad: string[] = [];
  for (const [f, { local }] of graph) {
    const from = layer(f);
    for (const to of local)
      if (forbidden[from]?.includes(layer(to))) bad.push(`${path.relative(SRC, f)} → ${path.relative(SRC, to)}`);
  }
  assert.deepEqual(bad, []);
});

test('study/ computes and never touches files: no fs, in any form (the notebook entry and report/ do the I/O)', () => {
  const fsModules = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises']);
  const bad = [...graph]
    .filter(([f, { packages }]) => layer(f) === 'study' && packages.some((p) => fsModules.has(p)))
    .map(([f]) => path.relative(SRC, f));
  assert.deepEqual(bad, []);
});

test('verdict code (study/) reaches report/ through no chain of imports: every sentence is written in report/', () => {
  const bad: string[] = [];
  for (const start of files.filter((f) => layer(f) === 'study')) {
    const seen = new Set<string>();
    const stack: string[][] = [[start]];
    while (stack.length > 0) {
      const chain = stack.pop() as string[];
      const f = chain[chain.length - 1];
      if (seen.has(f)) continue;
      seen.add(f);
      if (layer(f) === 'report') {
        bad.push(chain.map((x) => path.relative(SRC, x)).join(' → '));
        break;
      }
      for (const next of graph.get(f)?.local ?? []) stack.push([...chain, next]);
    }
  }
  assert.deepEqual(bad, []);
});

test('calibration, offloading, cascade, metrics, records, study and the notebook entry never load tfjs, even indirectly', () => {
  const pure = new Set(['calibration', 'offloading', 'cascade', 'metrics', 'records', 'study', 'notebook']);
  const bad: string[] = [];
  for (const start of files.filter((f) => pure.has(layer(f)))) {
    // Depth-first over local imports, keeping the chain to print it.
    const seen = new Set<string>();
    const stack: string[][] = [[start]];
    while (stack.length > 0) {
      const chain = stack.pop() as string[];
      const f = chain[chain.length - 1];
      if (seen.has(f)) continue;
      seen.add(f);
      const node = graph.get(f);
      if (!node) continue;
      if (node.packages.some((p) => p.startsWith('@tensorflow/'))) {
        bad.push(chain.map((x) => path.relative(SRC, x)).join(' → '));
        break;
      }
      for (const next of node.local) stack.push([...chain, next]);
    }
  }
  assert.deepEqual(bad, []);
});

test('analysis notebooks 03–09 import one module, ./eecal (the compiled src/notebook.ts), and nothing else', () => {
  const dir = path.join(repoRoot(), 'notebooks');
  const notebooks = fs.readdirSync(dir).filter((f) => /^0[3-9]-.*\.ipynb$/.test(f));
  assert.equal(notebooks.length, 7);
  for (const f of notebooks) {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as {
      cells: { cell_type: string; source: string | string[] }[];
    };
    const code = nb.cells
      .filter((c) => c.cell_type === 'code')
      .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
      .join('\n');
    assert.deepEqual([...new Set(specifiers(code))], ['./eecal'], f);
  }
});
