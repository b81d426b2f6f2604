import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { openNotebook, PLOTLY_MIME, type DisplayMessage } from '../../src/plots/display/notebook';
import { tableHtml, rowsToTable } from '../../src/plots/display/tableHtml';
import { findChromium } from '../../src/plots/export/chromium';
import { renderCurves } from '../../src/plots/curves';

test('tables: HTML with formatted numbers, escaped text, missing values as the one missing marker', () => {
  const t = rowsToTable([{ exit: 1, ece: 0.078234, note: '<b>' }, { exit: 2, ece: null, extra: [0.5, 0.25] }]);
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

test('notebook helper: a figure is one bundle of plotly JSON + PNG + text', { skip: findChromium() ? false : 'Chromium not found', timeout: 120_000 }, async () => {
  const out: DisplayMessage[] = [];
  const nb = openNotebook({ sink: (m) => out.push(m), scale: 1 });
  try {
    const fig = renderCurves([{ label: 'u', x: [0, 1], y: [0, 1] }], { title: 'bundle', xTitle: 'x', yTitle: 'y', width: 200, height: 150 });
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
});

test('outside tslab the default sink says so', () => {
  const nb = openNotebook();
  assert.throws(() => nb.markdown('x'), /not running inside a tslab kernel/);
});
