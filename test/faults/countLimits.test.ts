import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { checkResultSize, MAX_RESULT_VALUES } from '../../src/cli/limits';
import { ConfigError } from '../../src/errors';
import { root } from './cli';

/** Run the CLI in-process; returns the exit code and what it printed to stderr. */
async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => {
    lines.push(a.map(String).join(' '));
  };
  try {
    return { code: await main(argv), stderr: lines.join('\n') };
  } finally {
    console.error = orig;
  }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-limits-'));
// A path that does not exist: a bound error instead of "not found" proves the bound is checked first.
const missing = path.join(work, 'absent.csv');
const model = path.join(root, 'models', 'b-lenet-mnist');

// [argv, the one-line message expected]; every case must exit 2 (usage error) naming the flag and its maximum.
const cases: Array<[string[], RegExp]> = [
  [['metrics', '--records', missing, '--bootstrap', '100001'], /--bootstrap 100001: expected ≤ 100000/],
  [['metrics', '--records', missing, '--bins', '100001'], /--bins 100001: expected ≤ 100000/],
  [['sweep', '--records', missing, '--bootstrap', '100001'], /--bootstrap 100001: expected ≤ 100000/],
  [
    ['sweep', '--records', missing, '--p-tar', '0:1:0.000001'],
    /--p-tar "0:1:0.000001": 1000001 points; expected ≤ 100001/,
  ],
  [
    ['sweep', '--records', missing, '--p-tar', Array(100_002).fill('0.5').join(',')],
    /--p-tar: 100002 values; expected ≤ 100001/,
  ],
  [
    ['sweep', '--records', missing, '--bootstrap', '1000', '--p-tar', '0:1:0.0001'],
    /--bootstrap 1000 × --p-tar points 10001 = 1\.00e\+7 values to keep; expected ≤ 1e\+7/,
  ],
  [
    ['sweep', '--records', missing, '--policy', 'entropy', '--threshold', '0:10:0.00001'],
    /--threshold "0:10:0.00001": 1000001 points; expected ≤ 100001/,
  ],
  [['outage', '--records', missing, '--rounds', '100001'], /--rounds 100001: expected ≤ 100000/],
  [['outage', '--records', missing, '--batch-size', '10000001'], /--batch-size 10000001: expected ≤ 10000000/],
  [
    ['outage', '--records', missing, '--rounds', '100000', '--p-tar', '0:1:0.001'],
    /--rounds 100000 × --p-tar points 1001 = 1\.00e\+8 values/,
  ],
  [
    ['deadline', '--records', missing, '--rounds', '1000', '--p-tar', '0.5:0.9:0.1', '--deadline', '0:2:0.001'],
    /--rounds 1000 × --p-tar points 5 × --deadline points 2001 = 1\.00e\+7 values/,
  ],
  [
    ['deadline', '--records', missing, '--deadline', '0:1e6:0.001'],
    /--deadline "0:1e6:0.001": 1000000001 points; expected ≤ 100001/,
  ],
  [
    ['reproduce', '--model', model, '--out', path.join(work, 'r'), '--replicates', '100001'],
    /--replicates 100001: expected ≤ 100000/,
  ],
  [
    ['reproduce', '--model', model, '--out', path.join(work, 'r'), '--rounds', '100001'],
    /--rounds 100001: expected ≤ 100000/,
  ],
  [
    ['reproduce', '--model', model, '--out', path.join(work, 'r'), '--batch-size', '1e8'],
    /--batch-size 1e8: expected ≤ 10000000/,
  ],
  [
    ['reproduce', '--model', model, '--out', path.join(work, 'r'), '--replicates', '1000', '--p-tar', '0:1:0.0001'],
    /--replicates 1000 × --p-tar points 10001/,
  ],
  [['reproduce', '--model', model, '--out', path.join(work, 'r'), '--bins', '1001'], /--bins 1001: expected ≤ 1000/],
  [
    ['train', '--model', 'b-lenet', '--dataset', 'mnist', '--out', path.join(work, 't'), '--epochs', '10001'],
    /--epochs 10001: expected ≤ 10000/,
  ],
  [
    ['train', '--model', 'b-lenet', '--dataset', 'mnist', '--out', path.join(work, 't'), '--batch-size', '65537'],
    /--batch-size 65537: expected ≤ 65536/,
  ],
  [
    ['train', '--model', 'b-lenet', '--dataset', 'mnist', '--out', path.join(work, 't'), '--patience', '10001'],
    /--patience 10001: expected ≤ 10000/,
  ],
  [
    ['train', '--model', 'b-lenet', '--dataset', 'mnist', '--out', path.join(work, 't'), '--max-train', '1e9'],
    /--max-train 1e9: expected ≤ 10000000/,
  ],
  [
    ['infer', '--model', model, '--split', 'test', '--out', path.join(work, 'i.csv'), '--batch-size', '65537'],
    /--batch-size 65537: expected ≤ 65536/,
  ],
  [['data', 'inspect', 'mnist', '--size', '4097,4097'], /--size "4097,4097": "4097" is not an integer in \[1, 4096\]/],
  [['data', 'inspect', 'mnist', '--val-size', '1e12'], /--val-size 1e12: expected ≤ 10000000/],
];

for (const [argv, message] of cases) {
  test(`count bound: eecal ${argv.slice(0, 1).join(' ')} ${argv.filter((a) => a.startsWith('--') && !['--records', '--model', '--out', '--dataset'].includes(a)).join(' ')} → exit 2`, async () => {
    const r = await run(argv);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split('\n').length, 1, 'one line');
  });
}

test('count bounds refuse before anything is created: train --epochs 10001 leaves no --out folder or lock', async () => {
  const out = path.join(work, 'never');
  assert.equal(
    (await run(['train', '--model', 'b-lenet', '--dataset', 'mnist', '--out', out, '--epochs', '10001'])).code,
    2,
  );
  assert.equal(fs.existsSync(out), false);
});

test('values at the bounds are accepted: sweep with --bootstrap 2 on a tiny file, and the result-size product at exactly 10^7', async () => {
  const csv = path.join(work, 'r.csv');
  fs.writeFileSync(csv, 'label,exit1_logit0,exit1_logit1,exit2_logit0,exit2_logit1\n0,2,0,1,0\n1,0,1,0,3\n1,1,0,0,1\n');
  const r = await run([
    'sweep',
    '--records',
    csv,
    '--p-tar',
    '0.5,0.9',
    '--bootstrap',
    '2',
    '--json',
    '--out',
    path.join(work, 's.json'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(fs.readFileSync(path.join(work, 's.json'), 'utf8')).rows.length, 2);
  assert.doesNotThrow(() =>
    checkResultSize([
      ['a', 1000],
      ['b', MAX_RESULT_VALUES / 1000],
    ]),
  );
  assert.throws(
    () =>
      checkResultSize([
        ['--a', 1000],
        ['--b', MAX_RESULT_VALUES / 1000 + 1],
      ]),
    (e: unknown) => e instanceof ConfigError && /--a 1000 × --b 10001/.test(e.message),
  );
});

test.after(() => fs.rmSync(work, { recursive: true, force: true }));
