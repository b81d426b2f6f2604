import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import {
  writeMeasuredRecords,
  timingColumns,
  type MeasuredRow,
  type MeasuredSidecar,
} from '../../src/records/measuredRecords';
import { readRecords } from '../../src/records/csv';
import { ROOT } from './servePair';

/**
 * `eecal testbed compare` on planted runs: B-LeNet's shipped test records (their sidecar gives the
 * device times and the 3,920-byte split tensor) with measured rows whose times are chosen here.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-testbed-compare-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const recordsPath = path.join(ROOT, 'models/b-lenet-mnist/records/test.csv');
const labels = readRecords(recordsPath).labels;

function plantRun(name: string, mbps: number, uploadMs: (i: number) => number): void {
  const rows: MeasuredRow[] = [];
  for (const pTar of [0.9, 0.99]) {
    for (let i = 0; i < 100; i++) {
      const offloaded = i % 2 === 0;
      const up = offloaded ? uploadMs(i) : 0;
      rows.push({
        sample: i,
        label: labels[i],
        exit: offloaded ? 2 : 1,
        prediction: labels[i],
        confidence: 0.9,
        fallback: false,
        offloaded,
        method: 'none',
        pTar,
        ms: {
          decode_ms: 0.1,
          exit1_ms: 0.5,
          device_ms: 0.5,
          serialize_ms: 0,
          upload_ms: up,
          cloud_ms: offloaded ? 1 : 0,
          edge_ms: 1 + up,
          total_ms: 2 + up,
        },
      });
    }
  }
  const meta: MeasuredSidecar = {
    format: 'eecal-measured-records',
    version: 1,
    eecalVersion: 'test',
    createdAt: 'planted',
    model: { architecture: 'b-lenet', digest: 'x', exits: 2, edgeExits: 1 },
    dataset: 'mnist',
    split: 'test',
    edge: 'planted',
    cloud: 'planted',
    wire: 'float32',
    offloadAnswer: 'final',
    load: { concurrency: 1, ratePerSecond: null },
    link: { uplinkMbps: mbps, configuredDelayMs: null, note: 'planted' },
    machine: {},
    timingColumns: timingColumns(1),
    numRows: rows.length,
  };
  fs.mkdirSync(path.join(dir, 'runs', name), { recursive: true });
  writeMeasuredRecords(path.join(dir, 'runs', name, 'measured.csv'), rows, meta);
}

test('testbed compare: modelled latency by hand, measured quantiles of planted times, deadline equal to eecal deadline --measured', async () => {
  plantRun('4g', 5.85, (i) => 10 + i / 2); // uploads 10, 11, …, 59 ms over the 50 offloaded samples
  plantRun('3g', 1.1, () => 28.50909090909091); // exactly the model's upload time
  const out = path.join(dir, 'cmp');
  const { error } = console;
  console.error = () => {};
  try {
    assert.equal(
      await main([
        'testbed',
        'compare',
        '--measured',
        path.join(dir, 'runs'),
        '--records',
        recordsPath,
        '--out',
        out,
        '--rounds',
        '10',
      ]),
      0,
    );
  } finally {
    console.error = error;
  }
  const lines = fs
    .readFileSync(path.join(out, 'latency.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  const get = (uplink: string, q: string) => lines.find((l) => l[0] === uplink && l[2] === q)!;
  // Sorted by uplink: 3g first. Model upload = 3920 B · 8 / 1.1 Mbit/s = 28.5091 ms; relative error 0.
  assert.equal(lines[1][0], '3g');
  assert.equal(Number(get('3g', 'upload')[4]), 28.5091);
  // (The CSV keeps times to 0.1 µs, so the planted 28.50909… ms is read back as 28.5091.)
  assert.ok(Math.abs(Number(get('3g', 'upload')[11])) < 1e-6);
  // 4g: model upload 3920·8/5.85e3 = 5.36068 ms; measured median of 10…59 step 1 (each twice: two p_tar) = 34.5.
  assert.equal(Number(get('4g', 'upload')[4]), 5.36068);
  assert.equal(Number(get('4g', 'upload')[5]), 34.5);
  assert.ok(Math.abs(Number(get('4g', 'upload')[11]) - (34.5 - 5.36068) / 5.36068) < 1e-4);
  // Offloaded end to end: device (sidecar) 0.0787742 + upload 28.5091 + cloud (0.149519 − 0.0787742·98000/191100)/10 = 28.59878 ms.
  assert.equal(Number(get('3g', 'offloaded')[4]), 28.5988);
  assert.match(fs.readFileSync(path.join(out, 'comparison.md'), 'utf8'), /\| 4g \| upload \| 100 \| 5\.4 \| 34\.5 \[/);
  for (const f of ['latency-vs-modelled.json', 'latency-vs-modelled.html', 'deadline-vs-modelled.json'])
    assert.ok(fs.existsSync(path.join(out, f)), f);
  // The measured deadline rows are what eecal deadline --measured computes for the same run and settings.
  const deadline = fs
    .readFileSync(path.join(out, 'deadline.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .filter((l) => l[0] === '4g' && l[3] === '0.9');
  const ref = path.join(dir, 'ref.json');
  console.error = () => {};
  try {
    const ms = deadline.map((l) => Number(l[5]) / 1000).join(',');
    assert.equal(
      await main([
        'deadline',
        '--records',
        recordsPath,
        '--measured',
        path.join(dir, 'runs', '4g', 'measured.csv'),
        '--p-tar',
        '0.9',
        '--deadline',
        ms,
        '--batch-size',
        '16',
        '--rounds',
        '10',
        '--json',
        '--out',
        ref,
      ]),
      0,
    );
  } finally {
    console.error = error;
  }
  const refRows = (JSON.parse(fs.readFileSync(ref, 'utf8')) as { rows: Array<{ missedProbability: number }> }).rows;
  assert.equal(refRows.length, deadline.length);
  refRows.forEach((r, j) =>
    assert.ok(Math.abs(r.missedProbability - Number(deadline[j][6])) < 1e-5, `deadline ${deadline[j][5]}`),
  );
});
