import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileScoreExpression, expressionScores } from '../../src/offloading/scoreExpression';
import { ConfigError } from '../../src/errors';
import { main } from '../../src/cli/main';
import { writeRecords, readRecords } from '../../src/records/csv';
import { topLabelScores } from '../../src/records/scores';
import { keysFromScores } from '../../src/cascade/cascadeKeys';
import { sweepThresholds } from '../../src/offloading/thresholdSweep';
import { createRng } from '../../src/util/rng';

// Two samples of three classes, values checked by hand.
const probs = Float64Array.from([0.5, 0.3, 0.2, 0.1, 0.1, 0.8]);

test('score formulas see pmax, p2, margin, entropy, C and the 1-based vector p', () => {
  assert.deepEqual([...expressionScores(probs, 3, 'pmax').confidence], [0.5, 0.8]);
  assert.deepEqual([...expressionScores(probs, 3, 'p2').confidence], [0.3, 0.1]);
  const margin = expressionScores(probs, 3, 'margin');
  assert.ok(Math.abs(margin.confidence[0] - 0.2) < 1e-15 && Math.abs(margin.confidence[1] - 0.7) < 1e-15);
  assert.deepEqual([...margin.prediction], [0, 2]);
  const h0 = -(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2));
  const certainty = expressionScores(probs, 3, '1 - entropy / log(C)').confidence[0];
  assert.ok(Math.abs(certainty - (1 - h0 / Math.log(3))) < 1e-14, `${certainty}`);
  assert.deepEqual([...expressionScores(probs, 3, 'p[3]').confidence], [0.2, 0.8]);
  assert.deepEqual(
    [...expressionScores(probs, 3, 'max(p) ^ 2').confidence].map((x) => Number(x.toFixed(12))),
    [0.25, 0.64],
  );
});

test('formulas are math only: unknown names, assignments, disabled functions and syntax errors are ConfigErrors', () => {
  const bad: Array<[string, RegExp]> = [
    ['q + 1', /unknown variable "q"/],
    ['process', /unknown variable "process"/],
    ['x = 1', /assignments are not allowed/],
    ['f(x) = x', /assignments are not allowed/],
    ['evaluate("1")', /disabled|unknown function/],
    ['import({}, {})', /disabled|unknown function/],
    ['pmax +', /score formula "pmax \+"/],
  ];
  for (const [expr, msg] of bad) {
    assert.throws(
      () => expressionScores(probs, 3, compileScoreExpression(expr)),
      (e: unknown) => e instanceof ConfigError && msg.test((e as Error).message),
      expr,
    );
  }
  assert.throws(
    () => expressionScores(probs, 3, 'log(p2 - 0.3)'),
    (e: unknown) => e instanceof ConfigError && /sample 0 gives/.test((e as Error).message),
  );
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-score-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('eecal sweep --score: "pmax" is the paper\'s rule; "margin" sweeps the margin keys; not with --policy entropy', async () => {
  const rng = createRng(3);
  const n = 200;
  const C = 4;
  const labels = Int32Array.from({ length: n }, () => rng.int(C));
  const logits = [0, 1].map((e) =>
    Float64Array.from({ length: n * C }, (_, j) => rng.normal() + (j % C === labels[Math.floor(j / C)] ? 1 + e : 0)),
  );
  const file = path.join(dir, 'r.csv');
  writeRecords(file, { numSamples: n, numClasses: C, numExits: 2, labels, logits });
  const records = readRecords(file);
  const run = async (args: string[]) => {
    const out = path.join(dir, `o${args.join('_').replace(/[^a-z0-9]/gi, '')}.json`);
    const { error } = console;
    console.error = () => undefined;
    try {
      return {
        code: await main(['sweep', '--records', file, '--json', '--out', out, ...args]),
        json: fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : null,
      };
    } finally {
      console.error = error;
    }
  };
  const plain = await run([]);
  const pmax = await run(['--score', 'pmax']);
  assert.equal(pmax.code, 0);
  assert.deepEqual(pmax.json.rows, plain.json.rows);
  // Margin keys by hand: top-two gap of softmax(z).
  const marginScores = logits.map((l) => {
    const s = topLabelScores(l, C, 1);
    const conf = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = Array.from({ length: C }, (_, k) => Math.exp(l[i * C + k]))
        .map((v, _, a) => v / a.reduce((x, y) => x + y, 0))
        .sort((a, b) => b - a);
      conf[i] = p[0] - p[1];
    }
    return { confidence: conf, prediction: s.prediction };
  });
  const margin = await run(['--score', 'margin', '--p-tar', '0.1:0.9:0.2']);
  const expected = sweepThresholds(keysFromScores(marginScores, records.labels), [0.1, 0.3, 0.5, 0.7, 0.9], {
    edgeExits: 1,
  });
  margin.json.rows.forEach((r: { offloadProbability: number; overallAccuracy: number }, i: number) => {
    assert.ok(Math.abs(r.offloadProbability - expected[i].offloadProbability) < 1e-12);
    assert.ok(Math.abs(r.overallAccuracy - expected[i].overallAccuracy) < 1e-12);
  });
  assert.equal((await run(['--score', 'margin', '--policy', 'entropy'])).code, 2);
  assert.equal((await run(['--score', 'nope'])).code, 2);
});
