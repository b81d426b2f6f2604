import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testbedSection } from '../../src/report/reproduceTestbed';
import { readRecords } from '../../src/records/csv';
import { readPlotlyJs } from '../../src/plots/export/plotlyBundle';
import { eecal } from '../faults/cli';
import { repoRoot } from '../../src/util/repoRoot';

const model = path.join(repoRoot(), 'models', 'b-alexnet-cifar10-branchynet');

test('a model folder with a shipped testbed run gets the measured-vs-modelled section, under no heading of its own', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-tb-'));
  try {
    const s = await testbedSection(
      model,
      readRecords(path.join(model, 'records', 'test.csv')),
      tmp,
      null,
      readPlotlyJs(),
    );
    assert.ok(s);
    // The same comparison `eecal testbed compare` wrote beside the run (same records, calibration, defaults).
    const shipped = fs.readFileSync(path.join(model, 'testbed', 'comparison.md'), 'utf8');
    const row = shipped.split('\n').find((l) => l.startsWith('| 3g | upload |'));
    assert.ok(row && s.markdown.includes(row), 'the 3G upload row equals the shipped comparison');
    assert.ok(!/^# /m.test(s.markdown) && !/^## /m.test(s.markdown), "no heading above the report's own level");
    assert.match(
      s.markdown,
      /^#### Calibration lowers P\[missed deadline\]: judged on measured and on modelled times$/m,
      'the claim judged on measured beside modelled times',
    );
    for (const up of ['3g', '4g', 'wifi']) {
      for (const times of ['measured', 'modelled'])
        assert.match(
          s.markdown,
          new RegExp(
            `^\\| ${up} \\| 0\\.70 \\| [0-9.]+ \\| 200 \\| ${times} \\|.*\\*\\*(supported|contradicted|inconclusive)\\*\\* \\|$`,
            'm',
          ),
        );
    }
    assert.deepEqual(s.pngs, [], 'no PNGs without a renderer');
    assert.ok(fs.existsSync(path.join(tmp, 'testbed-latency-vs-modelled.json')));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a model folder without a testbed run adds nothing', async () => {
  const other = path.join(repoRoot(), 'models', 'b-alexnet-cifar10');
  assert.equal(
    await testbedSection(other, readRecords(path.join(other, 'records', 'test.csv')), os.tmpdir(), null, ''),
    null,
  );
});

test('a testbed folder given explicitly (eecal reproduce --testbed) is read in place of the model folder’s own', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-tb-'));
  try {
    const copy = path.join(tmp, 'run');
    fs.cpSync(path.join(model, 'testbed'), copy, { recursive: true });
    const test = readRecords(path.join(model, 'records', 'test.csv'));
    const own = await testbedSection(model, test, tmp, null, readPlotlyJs());
    const given = await testbedSection(model, test, tmp, null, readPlotlyJs(), copy);
    assert.ok(own && given);
    assert.equal(given.markdown, own.markdown);
    await assert.rejects(
      testbedSection(model, test, tmp, null, readPlotlyJs(), path.join(tmp, 'missing')),
      /not found/,
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('eecal reproduce --testbed needs the one model it measured', () => {
  const r = eecal(['reproduce', '--testbed', path.join(model, 'testbed'), '--no-images']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--testbed .*: give the one model it measured with --model/);
});
