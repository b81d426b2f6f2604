import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { syntheticRecords } from '../plots/syntheticRecords';
import { writeRecords } from '../../src/records/csv';
import { root, runner } from './cli';

// Real read-only mounts, made in a private mount namespace (`unshare -m`) that ends with the
// command: the host never sees them, so there is nothing to unmount. This needs root (or
// CAP_SYS_ADMIN); where it is not permitted the tests are skipped with the reason.

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-ro-'));

/** Run `body` in a new temporary folder, removed afterwards. */
function inTmp<T>(body: (dir: string) => T): T {
  const dir = tmp();
  try {
    return body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Mount commands making `dir` an empty read-only tmpfs, or a read-only view of itself. */
const readOnlyTmpfs = (dir: string) => [`mount -t tmpfs -o ro tmpfs '${dir}'`];
const readOnlyBind = (dir: string) => [`mount --bind '${dir}' '${dir}'`, `mount -o remount,bind,ro '${dir}'`];

/** Run `sh -c SCRIPT ARGS…` in a private mount namespace. */
function inNamespace(script: string, args: string[] = []): SpawnSyncReturns<string> {
  return spawnSync('unshare', ['-m', 'sh', '-c', script, ...args], {
    encoding: 'utf8',
    cwd: root,
    timeout: 300_000,
    env: { ...process.env, EECAL_BACKEND: 'cpu' },
  });
}

/** Run `eecal ARGS` after `mounts` in a private mount namespace (ARGS reach it as "$@", unparsed by sh). */
function eecalUnder(mounts: string[], args: string[]): SpawnSyncReturns<string> {
  return inNamespace(`${mounts.join(' && ')} && exec "$0" "$@"`, [
    process.execPath,
    '--import',
    'tsx',
    runner,
    ...args,
  ]);
}

/** Why read-only mounts cannot be made here (null when they can): both kinds are tried once. */
const unavailable = ((): string | null => {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  return inTmp((dir) => {
    const probe = path.join(dir, 'probe');
    fs.mkdirSync(probe);
    const r = inNamespace(
      [...readOnlyTmpfs(probe), `umount '${probe}'`, ...readOnlyBind(probe), `! touch '${probe}/x' 2>/dev/null`].join(
        ' && ',
      ),
    );
    if (r.error) return `unshare: ${r.error.message}`;
    if (r.status !== 0)
      return `unshare -m / mount not permitted: ${r.stderr.trim().split('\n')[0] || `exit ${r.status}`}`;
    return null;
  });
})();
const skip = unavailable ? `needs a private mount namespace with mount: ${unavailable}` : false;

/** A model folder `<dir>/m` with small synthetic val/test records (3 exits × 10 classes). */
function modelFolder(dir: string): string {
  const m = path.join(dir, 'm');
  writeRecords(path.join(m, 'records', 'val.csv'), syntheticRecords({ numSamples: 300, seed: 31 }));
  writeRecords(path.join(m, 'records', 'test.csv'), syntheticRecords({ numSamples: 300, seed: 32 }));
  return m;
}

/** Settings of a fast reproduce run: no images, few rounds and replicates. */
const quick = ['--no-images', '--rounds', '5', '--replicates', '10', '--verdict-replicates', '200'];

/** Every file and folder below `dir` with the content of the files: what a refused run must leave alone. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, rel);
    out[rel] = fs.statSync(p).isDirectory() ? '<dir>' : fs.readFileSync(p, 'latin1');
  }
  return out;
}

/** Exit 3 and one line on stderr that names `target` and says the file system is read-only. */
function refusedReadOnly(r: SpawnSyncReturns<string>, target: string, what: string): void {
  assert.equal(r.error, undefined, `${what}: ${r.error?.message}`);
  assert.equal(r.status, 3, `${what}: exit ${r.status}\n${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${what}: one line on stderr, got:\n${r.stderr}`);
  assert.ok(lines[0].includes(target), `${what}: names ${target}: ${lines[0]}`);
  assert.match(lines[0], /read-only file system/, what);
  assert.doesNotMatch(lines[0], /unexpected error|ENOENT|EROFS/, what);
}

test(
  'outputs into a read-only tmpfs: calibrate --out (also in a new subfolder), sweep --out, train --out and --epoch-records',
  { skip },
  () =>
    inTmp((dir) => {
      const val = path.join(modelFolder(dir), 'records', 'val.csv');
      const ro = path.join(dir, 'ro');
      fs.mkdirSync(ro);
      const train = ['train', '--model', 'b-lenet', '--dataset', 'mnist', '--max-train', '64'];
      const cases: Array<[string, string[], string]> = [
        ['calibrate --out', ['calibrate', '--records', val, '--method', 'temperature', '--out'], 'cal.json'],
        // Node's recursive mkdir reports a read-only parent as ENOENT: the real reason must survive.
        [
          'calibrate --out in a new folder',
          ['calibrate', '--records', val, '--method', 'temperature', '--out'],
          'new/sub/cal.json',
        ],
        ['sweep --out', ['sweep', '--records', val, '--out'], 'sweep.txt'],
        // The training lock is the first thing train writes into its model folder.
        ['train --out', [...train, '--out'], 'model'],
        // Checked before training starts (and before the lock is taken in the writable --out).
        ['train --epoch-records', [...train, '--out', path.join(dir, 'model'), '--epoch-records'], 'epochs'],
      ];
      const before = snapshot(dir);
      for (const [what, args, rel] of cases) {
        const target = path.join(ro, rel);
        refusedReadOnly(eecalUnder(readOnlyTmpfs(ro), [...args, target]), target, what);
      }
      // The inputs are untouched and nothing was left beside them (the mount point is still empty).
      assert.deepEqual(snapshot(dir), before);
    }),
);

test(
  'a read-only bind mount of the input folder: records are read, every output into it is refused before any work',
  { skip },
  () =>
    inTmp((dir) => {
      const m = modelFolder(dir);
      const val = path.join(m, 'records', 'val.csv');
      const ro = readOnlyBind(dir);
      const before = snapshot(dir);
      refusedReadOnly(
        eecalUnder(ro, ['calibrate', '--records', val, '--method', 'temperature', '--out', path.join(dir, 'cal.json')]),
        path.join(dir, 'cal.json'),
        'calibrate --out beside its records',
      );
      refusedReadOnly(
        eecalUnder(ro, ['sweep', '--records', val, '--out', path.join(m, 'sweep.csv')]),
        path.join(m, 'sweep.csv'),
        'sweep --out beside its records',
      );
      // reproduce reads the model folder and would write results/<model>/: refused at once, not after the analysis.
      refusedReadOnly(
        eecalUnder(ro, ['reproduce', '--model', m, '--out', path.join(dir, 'results'), ...quick]),
        path.join(dir, 'results', 'm'),
        'reproduce --out',
      );
      assert.deepEqual(snapshot(dir), before, 'nothing written, no staging folder or temporary file left');
    }),
);

test(
  'reproduce with a writable --out but a read-only docs/ folder: refused whole, nothing half-written',
  { skip },
  () =>
    inTmp((dir) => {
      const m = modelFolder(path.join(dir, 'models'));
      const work = path.join(dir, 'work');
      const docs = path.join(work, 'docs');
      fs.mkdirSync(path.join(docs, 'reproduction'), { recursive: true });
      fs.writeFileSync(path.join(work, 'R.md'), 'the old comparison\n');
      const before = snapshot(work);
      const r = eecalUnder(readOnlyBind(docs), [
        'reproduce',
        '--model',
        m,
        '--out',
        path.join(work, 'results'),
        '--reproduction',
        path.join(work, 'R.md'),
        ...quick,
      ]);
      refusedReadOnly(r, path.join(docs, 'reproduction', 'm'), 'reproduce --reproduction with read-only docs/');
      // No results/ folder, no staging folder, and the old R.md as it was: wholly old.
      assert.deepEqual(snapshot(work), before);
    }),
);
