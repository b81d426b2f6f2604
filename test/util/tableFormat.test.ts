import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MISSING, csvField, fmtNum, formatCell, textTable, toCsv } from '../../src/util/tableFormat';
import { formatCsv, formatTable } from '../../src/cli/tableText';

test('one spelling of a missing value across cells, numbers, CLI tables and CSV (empty field)', () => {
  assert.equal(MISSING, 'n/a');
  assert.equal(formatCell(null), 'n/a');
  assert.equal(formatCell(NaN), 'n/a');
  assert.equal(formatCell(3), '3');
  assert.equal(formatCell(0.123456, 3), '0.123');
  assert.equal(formatCell([0.5, null], 2), '0.50, n/a');
  assert.equal(fmtNum(null, 2), 'n/a');
  const rows = [
    { k: 1, acc: 0.5 },
    { k: 2, acc: null },
  ];
  const cols = [
    { header: 'k', value: (r: (typeof rows)[0]) => r.k, digits: 0 },
    { header: 'acc', value: (r: (typeof rows)[0]) => r.acc },
  ];
  assert.equal(formatTable(rows, cols), 'k     acc\n-  ------\n1  0.5000\n2     n/a\n');
  assert.equal(formatCsv(rows, cols), 'k,acc\n1,0.5\n2,\n');
  assert.equal(toCsv([{ a: 'x,y', b: null, c: [1, 2] }]), 'a,b,c\n"x,y",,1;2\n');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(textTable(['a'], [['1'], ['22']], { rule: false }), ' a\n 1\n22\n');
});
