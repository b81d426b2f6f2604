import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cappedScale, openNotebook, PLOTLY_MIME, type DisplayMessage } from '../../src/plots/display/notebook';
import { tableHtml, rowsToTable } from '../../src/plots/display/tableHtml';
import { findChromium } from '../../src/plots/export/chromium';
import { renderCurves } from '../../src/plots/curves';

test('tables: HTML with formatted numbers, escaped text, missing values as the one missing marker', () => {
  const t = rowsToTable([
    { exit: 1, ece: 0.078234, note: '<b>' },
    { exit: 2, ece: null, extra: [0.5, 0.25] },
  ]);
  assert.deepEqual(t.columns, ['exit', 'ece', 'note', 'extra']);
  const html = tableHtml(t, { digits: 3, caption: 'ECE' });
  assert.ok(html.includes('>0.078<'));
  assert.ok(html.includes('&lt;b&gt;'));
  assert.ok(html.includes('>0.500, 0.250<'));
  assert.equal((html.match(/>n\/a</g) ?? []).length, 3);
  assert.throws(() => tableHtml({ columns: ['a', 'b'], values: [[1]] }), /row 0 has 1 cells, expected 2/);
});

test('notebook helper: table and markdown bundles go to the sink', () => {
  const out: DisplayMessage[] = [];
  const nb = openNotebook({ sink: (m) => out.push(m) });
  nb.table([{ method: 'uncalibrated', ece: 0.1 }]);
  nb.markdown('# hi');
  assert.deepEqual(Object.keys(out[0].data), ['text/html', 'text/plain']);
  assert.equal(out[0].data['text/plain'], '      method     ece\nuncalibrated  0.1000');
  assert.deepEqual(out[1].data, { 'text/markdown': '# hi', 'text/plain': '# hi' });
});

test(
  'notebook helper: a figure is one bundle of plotly JSON + PNG + text',
  { skip: findChromium() ? false : 'Chromium not found', timeout: 120_000 },
  async () => {
    const out: DisplayMessage[] = [];
    const nb = openNotebook({ sink: (m) => out.push(m), scale: 1 });
    try {
      const fig = renderCurves([{ label: 'u', x: [0, 1], y: [0, 1] }], {
        title: 'bundle',
        xTitle: 'x',
        yTitle: 'y',
        width: 200,
        height: 150,
      });
      await nb.figure(fig);
      const m = out[0];
      assert.deepEqual(Object.keys(m.data), [PLOTLY_MIME, 'image/png', 'text/plain']);
      assert.deepEqual(m.data[PLOTLY_MIME], JSON.parse(JSON.stringify(fig)));
      const png = Buffer.from(m.data['image/png'] as string, 'base64');
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
      assert.equal(png.readUInt32BE(16), 200);
      assert.deepEqual(m.metadata, { 'image/png': { width: 200, height: fig.layout.height } }); // 150 + the legend band below
      assert.equal(m.data['text/plain'], '<plotly figure "bundle": 1 traces>');
    } finally {
      await nb.close();
    }
  },
);

test('cappedScale keeps small figures at the asked ratio and holds big ones to 4 Mpx', () => {
  assert.equal(cappedScale(760, 460, 2), 2);
  // 4e6 / (1068 · 2281) = 1.64196…, √ = 1.2814 → 1.28 (rounded down: never over the budget).
  assert.equal(cappedScale(1068, 2281, 2), 1.28);
  assert.equal(cappedScale(2000, 2000, 1), 1);
  assert.equal(cappedScale(4000, 2000, 2), 0.7);
});

test(
  'notebook helper: a big figure is shown and saved at the capped ratio, rendered once',
  { skip: findChromium() ? false : 'Chromium not found', timeout: 120_000 },
  async () => {
    const out: DisplayMessage[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-display-'));
    const nb = openNotebook({ sink: (m) => out.push(m), resultsDir: dir });
    try {
      const fig = renderCurves([{ label: 'u', x: [0, 1], y: [0, 1] }], {
        title: 'big',
        xTitle: 'x',
        yTitle: 'y',
        width: 2000,
        height: 1900,
      });
      await nb.figure(fig, { save: 'big', formats: ['json', 'png'] });
      const png = Buffer.from(out[0].data['image/png'] as string, 'base64');
      const s = cappedScale(2000, fig.layout.height as number, 2);
      assert.ok(s < 2 && Math.abs(png.readUInt32BE(16) - 2000 * s) <= 1, `width ${png.readUInt32BE(16)} at ratio ${s}`);
      assert.ok(png.equals(fs.readFileSync(path.join(dir, 'big.png'))), 'the saved PNG is the displayed one');
    } finally {
      await nb.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('outside tslab the default sink says so', () => {
  const nb = openNotebook();
  assert.throws(() => nb.markdown('x'), /not running inside a tslab kernel/);
});
