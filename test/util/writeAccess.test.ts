import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWritable, failureWords, makeFolder } from '../../src/util/writeAccess';
import { OutputError } from '../../src/errors';

const errno = (code: string) => Object.assign(new Error(`${code}: something`), { code });

test('failureWords: the words for a known code, the code for an unknown one, the message without a code', () => {
  assert.equal(failureWords(errno('EROFS')), 'read-only file system');
  assert.equal(failureWords(errno('EACCES')), 'permission denied');
  assert.equal(failureWords(errno('EMLINK')), 'EMLINK');
  assert.equal(failureWords(new Error('plain')), 'plain');
});

test('makeFolder makes every missing level, accepts an existing folder, and keeps the real code under a file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-mkdir-'));
  try {
    const deep = path.join(dir, 'a', 'b', 'c');
    makeFolder(deep);
    assert.ok(fs.statSync(deep).isDirectory());
    makeFolder(deep);
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    assert.throws(() => makeFolder(path.join(dir, 'f', 'g', 'h')), { code: 'ENOTDIR' });
    assert.equal(fs.existsSync(path.join(dir, 'f', 'g')), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('checkWritable creates nothing; an unwritable folder above the target is one OutputError in words', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-w-'));
  try {
    checkWritable(path.join(dir, 'new', 'deep', 'x.csv'));
    assert.deepEqual(fs.readdirSync(dir), []);
    // Root may write anywhere (a read-only mount is tested in test/faults/readOnlyMount.test.ts).
    if (process.getuid && process.getuid() !== 0) {
      const ro = path.join(dir, 'ro');
      fs.mkdirSync(ro, { mode: 0o500 });
      assert.throws(
        () => checkWritable(path.join(ro, 'sub', 'x.csv'), 'shown.csv'),
        (e: unknown) => e instanceof OutputError && e.message === 'shown.csv: cannot write (permission denied)',
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
