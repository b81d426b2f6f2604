import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStudy, methodLabel, reportFilesOf } from '../src/notebook';
import { repoRoot } from '../src/util/repoRoot';
import type { DisplayMessage } from '../src/plots/display/notebook';
import { writeRecords } from '../src/records/csv';
import { syntheticRecords } from './plots/syntheticRecords';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-notebook-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('openStudy: one call opens a model folder (records, manifest, training log), fits methods by id and displays without loading tfjs', () => {
  fs.mkdirSync(path.join(dir, 'records'));
  writeRecords(path.join(dir, 'records', 'val.csv'), syntheticRecords({ numSamples: 400, seed: 1 }));
  writeRecords(path.join(dir, 'records', 'test.csv'), syntheticRecords({ numSamples: 500, seed: 2 }));
  fs.writeFileSync(
    path.join(dir, 'eecal-model.json'),
    JSON.stringify({ architecture: 'b-test', dataset: 'synthetic' }),
  );
  fs.writeFileSync(
    path.join(dir, 'training-log.json'),
    JSON.stringify({
      exitNames: ['a', 'b', 'c'],
      epochs: [{ epoch: 1, trainLoss: [1, 1, 1], valLoss: [1, 1, 1], valAccuracy: [0.5, 0.5, 0.5] }],
    }),
  );
  const shown: DisplayMessage[] = [];
  const s = openStudy(dir, { sink: (m) => shown.push(m), resultsDir: path.join(dir, 'results') });
  assert.equal(s.val.numSamples, 400);
  assert.equal(s.test.numSamples, 500);
  assert.equal(s.manifest?.architecture, 'b-test');
  assert.equal(s.trainingLog?.epochs.length, 1);
  assert.equal(s.names.length, s.test.numExits);
  const cal = s.calibrate(['temperature', 'isotonic']);
  assert.deepEqual(
    cal.methods.map((m) => m.id),
    ['uncalibrated', 'temperature', 'isotonic'],
  );
  assert.deepEqual(
    cal.methods.map((m) => m.label),
    ['uncalibrated', methodLabel('temperature'), 'isotonic'],
  );
  const off = s.offload(cal.methods);
  assert.deepEqual(
    off.partitions[0].methods.map((m) => m.id),
    ['uncalibrated', 'temperature', 'isotonic'],
  );
  s.table([{ method: 'x', ece: null }]);
  assert.match(String(shown[0].data['text/plain']), /n\/a/);
  assert.deepEqual(
    Object.keys(require.cache).filter((k) => k.includes(`${path.sep}@tensorflow${path.sep}`)),
    [],
  );
});

test("openStudy: claims() are computed once, cached under the results folder and shown from the cache on rerun; reportFilesOf names the reproduction's reports", () => {
  const s = openStudy(dir, { sink: () => undefined, resultsDir: path.join(dir, 'results') });
  const cal = s.calibrate(['temperature']);
  const off = s.offload(cal.methods);
  const first = s.claims(cal, off, { replicates: 120, methods: ['temperature'] });
  assert.deepEqual(
    first.sources.map((x) => x.kind),
    ['computed'],
  );
  assert.equal(path.dirname(first.sources[0].file as string), path.join(dir, 'results', 'cache', 'claims'));
  const again = s.claims(cal, off, { replicates: 120, methods: ['temperature'] });
  assert.deepEqual(
    again.sources.map((x) => x.kind),
    ['cache'],
  );
  assert.deepEqual(again.claims, first.claims);
  const [results, docs] = reportFilesOf(dir, path.join(dir, 'results'));
  assert.equal(results, path.join(dir, 'results', path.basename(dir), 'report.json'));
  assert.equal(docs, path.join(repoRoot(), 'docs', 'reproduction', path.basename(dir), 'report.json'));
});

test('openStudy: a folder without records is a DataError naming the file', () => {
  assert.throws(
    () => openStudy(path.join(dir, 'nope'), { sink: () => undefined }),
    /nope\/records\/val\.csv: not found/,
  );
});
