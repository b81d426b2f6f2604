import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/util/repoRoot';
import { reportError } from '../../src/cli/main';
import { renderCurves } from '../../src/plots/curves';
import { saveFigure } from '../../src/plots/export/saveFigure';

/**
 * One error family (src/errors.ts): src/ throws only EecalError subclasses, so the CLI prints a
 * user's mistake as its one line (exit 2 or 3) and keeps "unexpected error" for bugs.
 */
const root = repoRoot();

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? sourceFiles(p) : d.name.endsWith('.ts') ? [p] : [];
  });
}

/** `new Error(`, `new TypeError(`, … outside comments and strings' first quote (a line-level scan). */
const PLAIN = /\bnew\s+(Error|TypeError|RangeError|SyntaxError|ReferenceError)\s*\(/;

test('src/ throws no plain Error, TypeError or RangeError (only the errors.ts family)', () => {
  const found: string[] = [];
  for (const file of sourceFiles(path.join(root, 'src'))) {
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').trimStart();
        if (code.startsWith('*') || code.startsWith('/*')) return;
        if (PLAIN.test(code)) found.push(`${path.relative(root, file)}:${i + 1}: ${code.trim()}`);
      });
  }
  assert.deepEqual(found, []);
});

test('the scan finds a plain Error (the check itself can fail)', () => {
  assert.ok(PLAIN.test("  if (x) throw new Error('boom');"));
  assert.ok(PLAIN.test('throw new RangeError(`bad`)'));
  assert.ok(!PLAIN.test('throw new ConfigError(`bad`)'));
});

/** Run reportError and collect what it prints. */
function printed(err: unknown): { code: number; text: string } {
  const lines: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    return { code: reportError('plot', err, false), text: lines.join('\n') };
  } finally {
    console.error = orig;
  }
}

test('a plot builder given nothing to draw is a one-line usage error, not "unexpected error"', () => {
  let err: unknown;
  try {
    renderCurves([], { title: 'empty' } as Parameters<typeof renderCurves>[1]);
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'renderCurves([]) must throw');
  const { code, text } = printed(err);
  assert.equal(code, 2);
  assert.doesNotMatch(text, /unexpected error/);
  assert.equal(text.split('\n').length, 1);
  assert.match(text, /^eecal plot: renderCurves\("empty"\): no series to draw$/);
});

test('a bad figure file stem is a usage error naming the stem', async () => {
  let err: unknown;
  try {
    await saveFigure(
      { data: [], layout: {} } as unknown as Parameters<typeof saveFigure>[0],
      '/nonexistent',
      'a/b',
      null,
    );
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'saveFigure with a path as name must throw');
  const { code, text } = printed(err);
  assert.equal(code, 2);
  assert.match(text, /name "a\/b" must be a plain file stem/);
});
