import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/util/repoRoot';
import { specifiers } from '../layout/sourceImports';

/**
 * The servers are a face, like the CLI: they use models, calibration and cascade, and only the CLI
 * (which starts them) imports them. Checked on the source, as test/layout does for the analysis.
 */
const SRC = path.join(repoRoot(), 'src');
const files = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
    );

test('only src/cli imports src/serve; src/serve never imports cli, study or report', () => {
  const bad: string[] = [];
  for (const f of files(SRC)) {
    const rel = path.relative(SRC, f);
    const top = rel.split(path.sep)[0];
    for (const s of specifiers(fs.readFileSync(f, 'utf8'))) {
      if (!s.startsWith('.')) continue;
      const target = path.relative(SRC, path.resolve(path.dirname(f), s)).split(path.sep)[0];
      if (target === 'serve' && top !== 'serve' && top !== 'cli') bad.push(`${rel} → ${s}`);
      if (top === 'serve' && ['cli', 'study', 'report', 'notebook'].includes(target)) bad.push(`${rel} → ${s}`);
    }
  }
  assert.deepEqual(bad, []);
});
