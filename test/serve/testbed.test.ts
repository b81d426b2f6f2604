import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testbedCommand } from '../../src/cli/commands/testbed';
import { mnistPackageDir } from '../../src/data/mnistIdx';
import { parseMeasuredCsv, readMeasuredRecords } from '../../src/records/measuredRecords';
import { labelOf, offlineAnswers, startPair } from './servePair';

test("eecal testbed: measured records with the contract's columns, in sample order, equal to the offline cascade", async () => {
  const pair = await startPair();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-testbed-'));
  try {
    const code = await testbedCommand.run([
      '--edge',
      pair.edge.url,
      '--data',
      mnistPackageDir(),
      '--split',
      'test',
      '--limit',
      '20',
      '--out',
      out,
      '--methods',
      'none,temperature',
      '--p-tar',
      '0.9,0.999',
      '--concurrency',
      '3',
      '--uplink-mbps',
      '5.85',
      '--link-note',
      'loopback test',
    ]);
    assert.equal(code, 0);
    const csv = path.join(out, 'measured.csv');
    const header = fs.readFileSync(csv, 'utf8').split('\n')[0].split(',');
    for (const c of ['sample', 'label', 'exit', 'prediction', 'confidence', 'fallback'])
      assert.ok(header.includes(c), c);
    assert.deepEqual(
      header.filter((h) => h.endsWith('_ms')),
      ['decode_ms', 'exit1_ms', 'device_ms', 'serialize_ms', 'upload_ms', 'cloud_ms', 'edge_ms', 'total_ms'],
    );
    const { rows, meta } = readMeasuredRecords(csv);
    assert.equal(rows.length, 80);
    assert.equal(meta?.link.uplinkMbps, 5.85);
    assert.equal(meta?.model.edgeExits, 1);
    assert.equal(meta?.machine.edgeOnSameMachine, true);
    const expected = await offlineAnswers(pair.model);
    rows.forEach((r, i) => {
      assert.equal(r.sample, i % 20);
      assert.equal(r.label, labelOf(r.sample));
      const want = expected.get(`${r.method}@${r.pTar}`)![r.sample];
      assert.deepEqual([r.exit, r.prediction, r.fallback], [want.exit, want.prediction, false], `row ${i}`);
      assert.equal(r.offloaded, r.exit === 2);
      // The end node waits at least as long as the edge works, and the edge at least its device compute.
      assert.ok(r.ms.total_ms >= r.ms.edge_ms && r.ms.edge_ms >= r.ms.device_ms, `row ${i} timings`);
      if (!r.offloaded) assert.equal(r.ms.cloud_ms, 0);
    });
    assert.deepEqual(
      [...new Set(rows.map((r) => `${r.method}@${r.pTar}`))],
      ['none@0.9', 'none@0.999', 'temperature@0.9', 'temperature@0.999'],
    );
  } finally {
    await pair.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('measured records: a malformed cell is an error naming file, line and column', () => {
  const head = 'sample,label,exit,prediction,confidence,fallback,offloaded,method,p_tar,total_ms';
  assert.throws(
    () => parseMeasuredCsv(`${head}\n0,1,1,1,0.9,2,0,none,0.8,3\n`, 'm.csv'),
    /m\.csv: line 2, column fallback: "2" is not 0 or 1/,
  );
  assert.throws(
    () => parseMeasuredCsv(`${head}\n0,1,1,1,0.9,0,0,none,0.8,-1\n`, 'm.csv'),
    /column total_ms: "-1" is not a time/,
  );
  assert.throws(() => parseMeasuredCsv('sample,label\n', 'm.csv'), /missing column "exit"/);
  assert.equal(parseMeasuredCsv(`${head}\n4,1,2,1,0.5,1,1,none,0.8,3.5\n`, 'm.csv')[0].ms.total_ms, 3.5);
});

test('eecal testbed --resume: keeps the answers of a stopped run and measures only the rest', async () => {
  const pair = await startPair();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-testbed-resume-'));
  const { error } = console;
  try {
    const args = [
      '--edge',
      pair.edge.url,
      '--data',
      mnistPackageDir(),
      '--split',
      'test',
      '--out',
      out,
      '--p-tar',
      '0.9,0.999',
    ];
    console.error = () => {};
    assert.equal(await testbedCommand.run([...args, '--limit', '6']), 0);
    const csv = path.join(out, 'measured.csv');
    // A first run of 6 images per p_tar stands for one stopped before the 10 asked for next.
    const first = readMeasuredRecords(csv);
    assert.equal(first.meta?.complete, true);
    const before = (await (await fetch(`${pair.edge.url}/health`)).json()) as { answered: number };
    assert.equal(await testbedCommand.run([...args, '--limit', '10', '--resume']), 0);
    const after = (await (await fetch(`${pair.edge.url}/health`)).json()) as { answered: number };
    assert.equal(after.answered - before.answered, 8, 'only the 4 missing images × 2 p_tar are measured');
    const { rows, meta } = readMeasuredRecords(csv);
    assert.equal(meta?.complete, true);
    assert.deepEqual(
      rows.map((r) => `${r.pTar}#${r.sample}`),
      [0.9, 0.999].flatMap((p) => Array.from({ length: 10 }, (_, i) => `${p}#${i}`)),
    );
    // The kept rows are the first run's, unchanged.
    assert.deepEqual(
      rows.filter((r) => r.sample < 6).map((r) => r.ms.total_ms),
      first.rows.map((r) => r.ms.total_ms),
    );
  } finally {
    console.error = error;
    await pair.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
});
