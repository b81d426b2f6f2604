import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openNotebook, PLOTLY_MIME, type DisplayMessage } from '../../src/plots/display/notebook';
import { renderCurves } from '../../src/plots/curves';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-nbpng-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// A viewer with its own plotly renderer needs no PNG: then no browser may start (the option exists
// to save its 5-10 s), so this runs with a Chromium path that does not exist.
test('png: false shows plotly JSON + text only, saves JSON + HTML, and never starts a browser', async () => {
  const out: DisplayMessage[] = [];
  const nb = openNotebook({
    sink: (m) => out.push(m),
    png: false,
    resultsDir: dir,
    renderer: { executablePath: '/nonexistent/chromium' },
  });
  const fig = renderCurves([{ label: 'u', x: [0, 1], y: [0, 1] }], { title: 'no png', xTitle: 'x', yTitle: 'y' });
  await nb.figure(fig, { save: 'f' });
  await nb.close();
  assert.deepEqual(Object.keys(out[0].data), [PLOTLY_MIME, 'text/plain']);
  assert.deepEqual(out[0].metadata, {});
  assert.deepEqual(
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('f.'))
      .sort(),
    ['f.html', 'f.json'],
  );
  // Asking for an image format does need the browser, and says so.
  await assert.rejects(
    nb.figure(fig, { save: 'g', formats: ['png'] }),
    /Chromium not found at \/nonexistent\/chromium/,
  );
});

test('EECAL_NOTEBOOK_PNG=0 switches the PNG off by default', async () => {
  const before = process.env.EECAL_NOTEBOOK_PNG;
  process.env.EECAL_NOTEBOOK_PNG = '0';
  try {
    const out: DisplayMessage[] = [];
    const nb = openNotebook({ sink: (m) => out.push(m), renderer: { executablePath: '/nonexistent/chromium' } });
    await nb.figure(renderCurves([{ label: 'u', x: [0, 1], y: [1, 0] }], { title: 't', xTitle: 'x', yTitle: 'y' }));
    assert.ok(!('image/png' in out[0].data));
  } finally {
    if (before === undefined) delete process.env.EECAL_NOTEBOOK_PNG;
    else process.env.EECAL_NOTEBOOK_PNG = before;
  }
});
