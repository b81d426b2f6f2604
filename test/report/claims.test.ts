import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { csvField, markdownTable, toCsv, fmtPp } from '../../src/report/markdownTable';

test('markdown and CSV writers', () => {
  assert.equal(markdownTable(['a', 'b|c'], [['x', '1']]), '| a | b\\|c |\n|:---|---:|\n| x | 1 |');
  assert.throws(() => markdownTable(['a'], [['1', '2']]), /row 0 has 2 cells, header has 1/);
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField(null), '');
  assert.equal(csvField(NaN), '');
  assert.equal(csvField([0.5, 0.25]), '0.5;0.25');
  assert.equal(
    toCsv([
      { a: 1, b: null },
      { a: 2.5, b: 'x' },
    ]),
    'a,b\n1,\n2.5,x\n',
  );
  assert.equal(fmtPp(-0.031), '−3.1 pp');
  assert.equal(fmtPp(null), 'n/a');
});

test('auto missed-deadline p_tar: 0.80 for a final accuracy of 0.83 (exactly 3 pp below; review regression)', async () => {
  const { autoDeadlinePTar } = await import('../../src/study/offloadingStudy');
  const keysWith = (right: number, n: number) => {
    const c = new Uint8Array(n);
    c.fill(1, 0, right);
    return { keys: [new Float64Array(n), new Float64Array(n)], correct: [c, c] };
  };
  // (0.83 − 0.03)·20 is 15.999…98 in doubles; the floor used to give 0.75.
  assert.equal(autoDeadlinePTar(keysWith(83, 100)), 0.8);
  assert.equal(autoDeadlinePTar(keysWith(8300, 10000)), 0.8);
  assert.equal(autoDeadlinePTar(keysWith(829, 1000)), 0.75, 'less than 3 pp above 0.80 → 0.75');
  assert.equal(autoDeadlinePTar(keysWith(78, 100)), 0.75);
  assert.equal(autoDeadlinePTar(keysWith(5, 100)), 0.05, 'never below 0.05');
});
