import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../src/util/repoRoot';

// Committed notebooks carry no outputs: running one in the UI autosaves outputs (MBs of PNGs and
// plotly JSON) into the tracked file; they belong in results/notebooks/, not in git.
const dir = path.join(repoRoot(__dirname), 'notebooks');

test('committed notebooks carry no outputs and no execution counts', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb'));
  assert.ok(files.length > 0, 'notebooks/ has notebooks');
  for (const f of files) {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as {
      cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[];
    };
    nb.cells.forEach((c, i) => {
      if (c.cell_type !== 'code') return;
      assert.deepEqual(
        c.outputs ?? [],
        [],
        `${f} cell ${i + 1} has stored outputs (clear them: Cell > All Output > Clear, then save)`,
      );
      assert.equal(c.execution_count ?? null, null, `${f} cell ${i + 1} has an execution count`);
    });
  }
});

test('.gitignore keeps Jupyter checkpoints out of git', () => {
  const ignore = fs.readFileSync(path.join(repoRoot(__dirname), '.gitignore'), 'utf8').split('\n');
  assert.ok(ignore.includes('.ipynb_checkpoints/'));
});

test('committed notebooks import the library only through ./eecal (the compiled build)', () => {
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.ipynb'))) {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as {
      cells: { cell_type: string; source: string | string[] }[];
    };
    const local = nb.cells
      .filter((c) => c.cell_type === 'code')
      .flatMap((c) =>
        [...(Array.isArray(c.source) ? c.source.join('') : c.source).matchAll(/\bfrom\s*["'](\.[^"']*)["']/g)].map(
          (m) => m[1],
        ),
      );
    assert.ok(local.length > 0, `${f} imports the library`);
    assert.deepEqual([...new Set(local)], ['./eecal'], `${f} imports local modules ${local.join(', ')}`);
  }
  assert.ok(
    !fs.existsSync(path.join(dir, 'src')),
    'no notebooks/src link: src/ compiled inside the kernel took ~17 s per start',
  );
});
