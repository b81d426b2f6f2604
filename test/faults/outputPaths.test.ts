import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, prepareOutputFile, replaceDirAtomic } from '../../src/util/atomicWrite';
import { OutputError } from '../../src/errors';
import { spawnSync } from 'node:child_process';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-out-'));
const outputError = (re: RegExp) => (e: unknown) =>
  e instanceof OutputError && re.test(e.message) && !e.message.includes('\n');

test('a symlink is written through: the link stays a link, its target gets the new content', () => {
  const dir = tmp();
  const target = path.join(dir, 'real.csv');
  fs.writeFileSync(target, 'old');
  fs.chmodSync(target, 0o640);
  const link = path.join(dir, 'link.csv');
  fs.symlinkSync('real.csv', link);
  writeFileAtomic(link, 'new');
  assert.ok(fs.lstatSync(link).isSymbolicLink());
  assert.equal(fs.readFileSync(target, 'utf8'), 'new');
  assert.equal(fs.statSync(target).mode & 0o777, 0o640, 'mode of the replaced file kept');
  // A dangling link creates its target.
  const dangling = path.join(dir, 'dangling.csv');
  fs.symlinkSync(path.join(dir, 'sub', 'created.csv'), dangling);
  writeFileAtomic(dangling, 'x');
  assert.equal(fs.readFileSync(path.join(dir, 'sub', 'created.csv'), 'utf8'), 'x');
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.startsWith('.eecal-tmp')),
    [],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('device nodes, /proc, /sys and /dev/stdout are refused without touching them; /proc never hangs', () => {
  const devNullBefore = fs.statSync('/dev/null');
  for (const p of [
    '/dev/null',
    '/dev/full',
    '/dev/stdout',
    '/proc/self/x/y.csv',
    '/proc/version',
    '/sys/kernel/x.json',
  ]) {
    assert.throws(() => writeFileAtomic(p, 'x'), outputError(/refusing to write under \/(proc|sys|dev)/), p);
  }
  const after = fs.statSync('/dev/null');
  assert.ok(after.isCharacterDevice());
  assert.equal(after.ino, devNullBefore.ino);
});

test('a directory, a path under a regular file and an unwritable folder are one-line errors', () => {
  const dir = tmp();
  assert.throws(() => writeFileAtomic(dir, 'x'), outputError(/is a directory, expected a regular file path/));
  const file = path.join(dir, 'f.txt');
  fs.writeFileSync(file, 'keep');
  assert.throws(
    () => writeFileAtomic(path.join(file, 'a', 'b.csv'), 'x'),
    outputError(/f\.txt is a file, not a folder/),
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'keep');
  const fifo = path.join(dir, 'fifo');
  if (process.platform !== 'win32' && spawnSync('mkfifo', [fifo]).status === 0) {
    assert.throws(() => writeFileAtomic(fifo, 'x'), outputError(/is a FIFO/));
  }
  if (process.getuid && process.getuid() !== 0) {
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro, { mode: 0o500 });
    assert.throws(
      () => writeFileAtomic(path.join(ro, 'x.csv'), 'x'),
      outputError(/x\.csv: cannot write \(permission denied\)/),
    );
  }
  assert.equal(prepareOutputFile(path.join(dir, 'new', 'deep', 'x.csv')), path.join(dir, 'new', 'deep', 'x.csv'));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a producer writes content in pieces; a failing producer leaves the old file and no temp file', () => {
  const dir = tmp();
  const f = path.join(dir, 'p.csv');
  writeFileAtomic(f, (w) => {
    w('a,');
    w(Buffer.from('b\n'));
  });
  assert.equal(fs.readFileSync(f, 'utf8'), 'a,b\n');
  assert.throws(
    () =>
      writeFileAtomic(f, (w) => {
        w('half');
        throw new Error('interrupted');
      }),
    /interrupted/,
  );
  assert.equal(fs.readFileSync(f, 'utf8'), 'a,b\n');
  assert.deepEqual(fs.readdirSync(dir), ['p.csv']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a checkpoint folder that cannot be created is a one-line OutputError naming it, not a bare errno', () => {
  const dir = tmp();
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'x');
  const target = path.join(file, 'checkpoint');
  assert.throws(
    () => replaceDirAtomic(target, () => undefined),
    outputError(new RegExp(`${target.replace(/[.]/g, '\\.')}: cannot write \\(`)),
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'x');
  fs.rmSync(dir, { recursive: true, force: true });
});
