// Tests `eecal data inspect` (src/cli/commands/data.ts) and src/data/summary.ts; kept with the
// data tests because the data helper owns both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataCommand } from '../../src/cli/commands/data';
import { ConfigError } from '../../src/errors';
import { tempDir, tinyFolderFiles, writeTar } from './fixtures';

/** Run the command, returning its exit code and what it printed with console.log. */
async function runCapture(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(' '));
  try {
    return { code: await dataCommand.run(argv), out: lines.join('\n') };
  } finally {
    console.log = orig;
  }
}

test('data inspect folder --json: counts per split and class, shape', async () => {
  const work = tempDir('inspect');
  const archive = path.join(work, 'tiny.tar.gz');
  await writeTar(archive, tinyFolderFiles().files);
  const { code, out } = await runCapture([
    'inspect',
    'folder',
    '--data',
    archive,
    '--json',
    '--val-size',
    '2',
    '--no-cache',
  ]);
  assert.equal(code, 0);
  const s = JSON.parse(out);
  assert.deepEqual(s.shape, [4, 4, 3]);
  assert.deepEqual(s.classNames, ['cat', 'dog']);
  // 6 training files (3 per class) → 2 validation (1 per class), 4 train; 4 test files.
  assert.deepEqual(s.splits.train, { count: 4, perClass: [2, 2] });
  assert.deepEqual(s.splits.val, { count: 2, perClass: [1, 1] });
  assert.deepEqual(s.splits.test, { count: 4, perClass: [2, 2] });
  assert.equal(s.pixelBytes, 10 * 48);
  assert.ok(!fs.existsSync(path.join(work, 'decoded')));

  const text = await runCapture([
    'inspect',
    'folder',
    '--data',
    archive,
    '--val-size',
    '2',
    '--no-cache',
    '--size',
    '2,3',
    '--channels',
    '1',
  ]);
  assert.match(text.out, /shape +2×3×1 \(H×W×C\), 2 classes/);
  assert.match(text.out, /\ncat +2 +1 +2\ndog +2 +1 +2\ntotal +4 +2 +4$/);
  fs.rmSync(work, { recursive: true });
});

test('data inspect usage errors are ConfigErrors (exit 2)', async () => {
  await assert.rejects(
    dataCommand.run(['show', 'cifar10']),
    (e: unknown) => e instanceof ConfigError && /expected the subcommand "inspect", found "show"/.test(e.message),
  );
  await assert.rejects(
    dataCommand.run(['inspect', 'imagenet']),
    /dataset "imagenet"; expected one of cifar10, mnist, folder/,
  );
  await assert.rejects(dataCommand.run(['inspect', 'folder', '--size', '2']), /--size "2": expected H,W/);
  await assert.rejects(dataCommand.run(['inspect', 'folder', '--bogus']), ConfigError);
});
