import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { openStaging, recoverStaging } from '../../src/util/stagedOutputs';
import { reproductionTarget } from '../../src/cli/commands/reproduce';
import { defaultConfig } from '../../src/study/config';
import { OutputError } from '../../src/errors';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-stage-'));
const read = (p: string) => fs.readFileSync(p, 'utf8');

/** A PID that belonged to a process that has exited (a dead owner of a staging folder). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('staged sets replace the old ones whole on commit (stale files of the old set gone) and relative links between sets hold', () => {
  const dir = tmp();
  const results = path.join(dir, 'results', 'm');
  const doc = path.join(dir, 'docs', 'reproduction', 'm');
  const summary = path.join(dir, 'REPRODUCTION.md');
  fs.mkdirSync(results, { recursive: true });
  fs.writeFileSync(path.join(results, 'old-only.png'), 'old');
  fs.writeFileSync(path.join(results, 'REPORT.md'), 'old report');
  fs.writeFileSync(summary, 'old summary');
  const s = openStaging([results, doc, summary]);
  // The staging folder mirrors the layout, so a link computed between staged paths is the final link.
  assert.equal(path.relative(path.dirname(s.staged(summary)), s.staged(doc)), path.join('docs', 'reproduction', 'm'));
  fs.mkdirSync(s.staged(results), { recursive: true });
  fs.writeFileSync(path.join(s.staged(results), 'REPORT.md'), 'new report');
  fs.mkdirSync(s.staged(doc), { recursive: true });
  fs.writeFileSync(path.join(s.staged(doc), 'a.png'), 'new png');
  fs.writeFileSync(s.staged(summary), 'new summary');
  // Before the commit nothing changed.
  assert.equal(read(path.join(results, 'REPORT.md')), 'old report');
  assert.equal(read(summary), 'old summary');
  s.commit();
  assert.deepEqual(fs.readdirSync(results), ['REPORT.md']);
  assert.equal(read(path.join(results, 'REPORT.md')), 'new report');
  assert.equal(read(path.join(doc, 'a.png')), 'new png');
  assert.equal(read(summary), 'new summary');
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f.startsWith('.eecal-')),
    [],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a run killed between the two renames of a folder: the next open moves the old set back; a dead run's staging is removed", () => {
  const dir = tmp();
  const target = path.join(dir, 'm');
  const other = path.join(dir, 'n');
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, 'x'), 'new n');
  // What a kill -9 leaves after moving m aside (old/m) and before renaming the new one in.
  const stale = path.join(dir, `.eecal-staging-${deadPid()}-1`);
  fs.mkdirSync(path.join(stale, 'old', 'm'), { recursive: true });
  fs.writeFileSync(path.join(stale, 'old', 'm', 'REPORT.md'), 'old report');
  fs.mkdirSync(path.join(stale, 'new', 'm'), { recursive: true });
  fs.writeFileSync(path.join(stale, 'swap.json'), JSON.stringify({ pid: 1, targets: ['n', 'm'] }));
  // A live run's staging folder is left alone.
  const live = path.join(dir, `.eecal-staging-${process.pid}-2`);
  fs.mkdirSync(live);
  assert.deepEqual(recoverStaging(dir), [target]);
  assert.equal(read(path.join(target, 'REPORT.md')), 'old report');
  assert.equal(read(path.join(other, 'x')), 'new n', 'a set already swapped stays new');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['.eecal-staging-' + process.pid + '-2', 'm', 'n']);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('only the default run with every default setting rewrites the committed REPRODUCTION.md; quick looks say so', () => {
  const base = {
    root: '/repo',
    modelsGiven: false,
    out: undefined,
    reproduction: undefined,
    noReproduction: false,
    config: defaultConfig(),
    images: true,
  };
  assert.deepEqual(reproductionTarget(base), { file: '/repo/REPRODUCTION.md', note: null });
  const quick = { ...defaultConfig(), claimMethods: ['temperature' as const] };
  const q = reproductionTarget({ ...base, config: quick });
  assert.equal(q.file, null);
  assert.match(q.note ?? '', /left as they are.*--reproduction REPRODUCTION\.md/);
  const v = defaultConfig();
  v.verdicts = { ...v.verdicts, replicates: 200 };
  assert.equal(reproductionTarget({ ...base, config: v }).file, null);
  assert.equal(reproductionTarget({ ...base, images: false }).file, null);
  assert.equal(reproductionTarget({ ...base, config: quick, reproduction: 'R.md' }).file, path.resolve('R.md'));
  assert.equal(reproductionTarget({ ...base, out: 'x' }).file, null);
  assert.equal(reproductionTarget({ ...base, noReproduction: true }).file, null);
});

test(
  'targets on two filesystems cannot be swapped by rename: refused before anything is written (the CLI then writes in place)',
  { skip: !fs.existsSync('/dev/shm') || fs.statSync('/dev/shm').dev === fs.statSync(os.tmpdir()).dev },
  () => {
    const a = tmp();
    const b = fs.mkdtempSync('/dev/shm/eecal-stage-');
    assert.throws(
      () => openStaging([path.join(a, 'm'), path.join(b, 'R.md')]),
      (e: unknown) => e instanceof OutputError,
    );
    assert.deepEqual(
      fs.readdirSync('/').filter((f) => f.startsWith(`.eecal-staging-${process.pid}-`)),
      [],
    );
    assert.deepEqual(fs.readdirSync(a), []);
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  },
);
