import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeRecords } from '../../src/records/csv';
import { eecal } from './cli';

/** Records with 3 exits (B = 2 side branches) and a sidecar with costs, for partition and deadline. */
function records(): { dir: string; csv: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-latency-'));
  const csv = path.join(dir, 'test.csv');
  const n = 60;
  const C = 3;
  const labels = Int32Array.from({ length: n }, (_, i) => i % C);
  const logits = [0, 1, 2].map((e) =>
    Float64Array.from(
      { length: n * C },
      (_, j) => ((j * 17 + e * 7) % 11) / 3 + (j % C === labels[Math.floor(j / C)] ? 1 + e : 0),
    ),
  );
  const cost = (name: string, macs: number, bytes: number | null, ms: number) => ({
    name,
    params: 1,
    macs,
    trunkMacs: macs,
    splitTensorShape: bytes ? [bytes / 4] : null,
    splitTensorBytes: bytes,
    inferenceMsPerSample: ms,
  });
  writeRecords(csv, {
    numSamples: n,
    numClasses: C,
    numExits: 3,
    labels,
    logits,
    meta: {
      format: 'eecal-exit-records',
      version: 1,
      numClasses: C,
      exitNames: ['b1', 'b2', 'final'],
      exits: [cost('b1', 3e6, 4000, 3), cost('b2', 5e6, 2000, 5), cost('final', 1e7, null, 10)],
    },
  });
  return { dir, csv };
}

test('degenerate latency parameters are usage errors naming the flag, never Infinity written as null', () => {
  const { dir, csv } = records();
  const cases: Array<[string[], RegExp]> = [
    [
      ['partition', '--records', csv, '--uplink', '1e-320', '--json'],
      /--uplink "1e-320": 1e-320 Mbit\/s is below 0\.000001 Mbit\/s \(1 bit\/s\)/,
    ],
    [
      ['deadline', '--records', csv, '--uplink', '4g', '--rtt-ms', '1e308', '--rounds', '2'],
      /--rtt-ms 1e308: expected ≤ 1000000000/,
    ],
    [['partition', '--records', csv, '--cloud-speedup', '1e-300'], /--cloud-speedup 1e-300: expected a factor in/],
    [['partition', '--records', csv, '--device-gmacs', '1e-300'], /--device-gmacs 1e-300: expected a speed in/],
  ];
  for (const [args, re] of cases) {
    const r = eecal(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stdout, /null|Infinity/);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--cloud-ms takes one value or one per k = 1…B; another count is refused instead of silently using the first', () => {
  const { dir, csv } = records();
  const bad = eecal(['partition', '--records', csv, '--cloud-ms', '1,2,3', '--json']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(
    bad.stderr,
    /--cloud-ms "1,2,3": 3 values; expected one, or one per number of device branches k = 1…2 \(2 values\)/,
  );
  for (const ok of ['5', '5,7']) {
    const r = eecal(['partition', '--records', csv, '--cloud-ms', ok, '--json']);
    assert.equal(r.status, 0, r.stderr);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
