import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecordsCsv, formatRecordsCsv, recordsHeader } from '../../src/records/csv';
import { RecordFormatError } from '../../src/errors';
import { topLabelScores } from '../../src/records/scores';

const csv = `${recordsHeader(2, 3).join(',')}\n1,0,2,0,1,1,1\n0,3,0,0,0,0,5\n`;

test('parses the contract layout: labels and per-exit row-major logits', () => {
  const r = parseRecordsCsv(csv, 'x.csv');
  assert.equal(r.numSamples, 2);
  assert.equal(r.numExits, 2);
  assert.equal(r.numClasses, 3);
  assert.deepEqual([...r.labels], [1, 0]);
  assert.deepEqual([...r.logits[0]], [0, 2, 0, 3, 0, 0]);
  assert.deepEqual([...r.logits[1]], [1, 1, 1, 0, 0, 5]);
});

test('round-trips through formatRecordsCsv', () => {
  const r = parseRecordsCsv(csv);
  const again = parseRecordsCsv(formatRecordsCsv(r));
  assert.deepEqual([...again.logits[1]], [...r.logits[1]]);
});

test('bad input names the file, line and column', () => {
  assert.throws(
    () => parseRecordsCsv('', 'e.csv'),
    (e: unknown) => e instanceof RecordFormatError && /e\.csv: file is empty/.test(e.message),
  );
  assert.throws(
    () => parseRecordsCsv(csv.replace('1,0,2,0,1,1,1', '1,0,2,0,1,1'), 'r.csv'),
    /r\.csv: line 2 has 6 fields, expected 7/,
  );
  assert.throws(
    () => parseRecordsCsv(csv.replace('1,0,2,0', '3,0,2,0'), 'l.csv'),
    /line 2: label "3" is not an integer in \[0, 2\]/,
  );
  assert.throws(
    () => parseRecordsCsv(csv.replace('0,3,0', '0,NaN,0'), 'n.csv'),
    /line 3, column exit1_logit0: "NaN" is not a finite number/,
  );
  assert.throws(
    () => parseRecordsCsv('label,exit1_logit0,exit1_logit2\n0,1,1\n', 'h.csv'),
    /h\.csv: expected 4 columns/,
  );
});

test('top-label confidence equals softmax max (hand-computed)', () => {
  // logits (0, ln 3): softmax = (1/4, 3/4)
  const s = topLabelScores(new Float64Array([0, Math.log(3)]), 2);
  assert.ok(Math.abs(s.confidence[0] - 0.75) < 1e-15);
  assert.equal(s.prediction[0], 1);
  // T = 2 halves the logits: softmax(0, ln3/2) max = √3/(1+√3)
  const t = topLabelScores(new Float64Array([0, Math.log(3)]), 2, 2);
  assert.ok(Math.abs(t.confidence[0] - Math.sqrt(3) / (1 + Math.sqrt(3))) < 1e-15);
});
