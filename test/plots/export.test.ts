import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { renderCurves } from '../../src/plots/curves';
import { figureHtml, scriptSafeJson } from '../../src/plots/export/html';
import { FigureRenderer, findChromium } from '../../src/plots/export/chromium';
import { saveFigure } from '../../src/plots/export/saveFigure';
import { bundleFor, readPlotlyJs, plotlyVersion } from '../../src/plots/export/plotlyBundle';

const fig = renderCurves([{ label: 'uncalibrated', x: [0.5, 0.9], y: [0.4, 0.8] }], {
  title: 'tiny </script><b>x</b>',
  xTitle: 'p_tar',
  yTitle: 'acc',
  width: 300,
  height: 200,
});
const chromiumMissing = findChromium()
  ? false
  : 'Chromium not found (/usr/bin/chromium or $EECAL_CHROMIUM): PNG/SVG export test skipped';

test('scriptSafeJson cannot close a <script> element and round-trips', () => {
  const s = scriptSafeJson({ t: '</script><!-- x' });
  assert.ok(!s.includes('<'));
  assert.deepEqual(JSON.parse(s), { t: '</script><!-- x' });
});

test('standalone HTML inlines plotly.js and the figure, and makes no external reference', () => {
  const js = readPlotlyJs();
  const html = figureHtml(fig, { plotlyJs: js });
  assert.ok(html.includes(js.slice(0, 200)), 'plotly.js inlined');
  assert.ok(html.includes(`plotly.js v${plotlyVersion()}`));
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'exactly the two script elements close');
  const shell = html.replace(js, '');
  assert.ok(
    !/<script[^>]+src=/.test(shell) && !/<link[^>]+href=/.test(shell) && !/https?:/.test(shell),
    'no external script, stylesheet or URL',
  );
  assert.ok(html.includes('<title>tiny x</title>'), 'markup stripped from the page title');
  assert.throws(() => figureHtml(fig, { plotlyJs: 'x="</SCRIPT>"' }), /cannot be inlined/);
});

test(
  'Chromium renders PNG (signature, size × scale) and SVG; saveFigure writes all formats',
  { skip: chromiumMissing, timeout: 120_000 },
  async () => {
    const r = await FigureRenderer.launch();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-plots-'));
    try {
      const png = await r.png(fig);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.equal(png.readUInt32BE(16), 300);
      const h = fig.layout.height as number; // 200 asked + the legend band below the plot
      assert.equal(png.readUInt32BE(20), h);
      const png2 = await r.png(fig, { scale: 2, width: 320 });
      assert.equal(png2.readUInt32BE(16), 640);
      assert.equal(png2.readUInt32BE(20), 2 * h);
      const svg = await r.svg(fig);
      assert.match(svg, new RegExp(`^<svg[^>]*width="300"[^>]*height="${h}"`));
      assert.ok(svg.includes('uncalibrated'), 'legend text is in the SVG');
      // One render for both: the same SVG, and the same pixels as plotly's own PNG at that ratio.
      const both = await r.pngAndSvg(fig, { scale: 2 });
      // Same SVG up to plotly's per-render ids and the order it happens to write attributes in.
      const canon = (x: string) =>
        x
          .replace(/(defs-|clip|legend|trace)[0-9a-f]{6}/g, '$1#')
          .replace(
            /<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g,
            (_m, tag: string, attrs: string, slash: string) =>
              `<${tag} ${(attrs.match(/[\w:-]+="[^"]*"/g) ?? []).sort().join(' ')}${slash}>`,
          );
      assert.equal(canon(both.svg), canon(svg));
      assert.notEqual(canon(both.svg), canon(svg.replace('uncalibrated', 'calibrated')), 'the comparison sees text');
      const own = PNG.sync.read(await r.png(fig, { scale: 2 }));
      const fromSvg = PNG.sync.read(both.png);
      assert.deepEqual([fromSvg.width, fromSvg.height], [own.width, own.height]);
      // The same pixels (identical in every run here; a stray antialiasing difference is tolerated).
      let off = 0;
      for (let i = 0; i < own.data.length; i++) if (Math.abs(own.data[i] - fromSvg.data[i]) > 8) off++;
      assert.ok(off <= own.data.length / 1000, `${off} of ${own.data.length} channels differ`);
      const files = await saveFigure(fig, dir, 'tiny', r);
      assert.deepEqual(
        files.map((f) => path.basename(f)),
        ['tiny.json', 'tiny.html', 'tiny.png', 'tiny.svg'],
      );
      assert.deepEqual(
        JSON.parse(fs.readFileSync(path.join(dir, 'tiny.json'), 'utf8')),
        JSON.parse(JSON.stringify(fig)),
      );
      assert.ok(
        fs.readdirSync(dir).every((f) => !f.startsWith('.eecal-tmp')),
        'no temporary files left',
      );
    } finally {
      await r.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('bundleFor: scatter (also the default type), bar and pie need only the basic build; any other type the full one; both are one release', () => {
  assert.equal(
    bundleFor({
      data: [
        { x: [1], y: [1] },
        { type: 'bar', x: [1], y: [1] },
      ],
    } as never),
    'basic',
  );
  assert.equal(
    bundleFor({
      data: [
        { type: 'scatter', x: [1], y: [1] },
        { type: 'heatmap', z: [[1]] },
      ],
    } as never),
    'full',
  );
  assert.equal(plotlyVersion('basic'), plotlyVersion('full'));
  assert.ok(readPlotlyJs('basic').length < readPlotlyJs('full').length / 2);
});

test(
  'the renderer starts with the basic build and draws a trace type beyond it (heatmap) by loading the full one',
  { skip: chromiumMissing, timeout: 120_000 },
  async () => {
    const r = await FigureRenderer.launch();
    try {
      const heat = {
        data: [
          {
            type: 'heatmap',
            z: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
        layout: { width: 200, height: 150 },
      } as never;
      // The basic build has no heatmap: its SVG would hold no heatmap layer; the full build draws one.
      const svg = await r.svg(heat);
      assert.match(svg, /class="hm"|heatmaplayer/);
      const png = await r.png(fig);
      assert.equal(png.readUInt32BE(16), 300);
    } finally {
      await r.close();
    }
  },
);

test('saveFigure without a renderer writes JSON + HTML only; bad names are rejected', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-plots-'));
  try {
    const files = await saveFigure(fig, dir, 'nochrome', null, { plotlyJs: 'var Plotly={};' });
    assert.deepEqual(
      files.map((f) => path.basename(f)),
      ['nochrome.json', 'nochrome.html'],
    );
    // HTML pages share one plotly.min.js beside them, loaded by a relative path.
    await saveFigure(fig, dir, 'second', null, { plotlyJs: 'var Plotly={};', formats: ['html'] });
    assert.equal(fs.readFileSync(path.join(dir, 'plotly.min.js'), 'utf8'), 'var Plotly={};');
    for (const page of ['nochrome.html', 'second.html']) {
      const html = fs.readFileSync(path.join(dir, page), 'utf8');
      assert.ok(
        html.includes('<script src="plotly.min.js" charset="utf-8"></script>'),
        `${page} loads the shared plotly.min.js`,
      );
      assert.ok(!html.includes('var Plotly={}'), `${page} does not inline plotly.js`);
    }
    await saveFigure(fig, dir, 'alone', null, { plotlyJs: 'var Plotly={};', formats: ['html'], standalone: true });
    assert.ok(
      fs.readFileSync(path.join(dir, 'alone.html'), 'utf8').includes('<script>var Plotly={};</script>'),
      'standalone inlines it',
    );
    assert.throws(() => figureHtml(fig, { plotlyJsSrc: 'https://cdn.plot.ly/plotly.js' }), /must be a relative path/);
    await assert.rejects(saveFigure(fig, dir, '../escape', null), /plain file stem/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing Chromium binary gives a clear error', async () => {
  await assert.rejects(
    FigureRenderer.launch({ executablePath: '/nonexistent/chromium' }),
    /Chromium not found at \/nonexistent\/chromium/,
  );
});

test(
  'standalone explorer HTML renders offline; its slider and dropdown arguments are valid plotly calls',
  { skip: chromiumMissing, timeout: 120_000 },
  async () => {
    const { chromium } = await import('playwright-core');
    const { renderExplorer } = await import('../../src/plots/explorer');
    const { CHROMIUM_ARGS } = await import('../../src/plots/export/chromium');
    const x = [0.5, 0.6, 0.7];
    const explorer = renderExplorer(
      [
        {
          yTitle: 'P[offload]',
          series: [
            { label: 'uncalibrated', x, y: [0.1, 0.2, 0.3] },
            { label: 'TS per exit', x, y: [0.3, 0.4, 0.6] },
          ],
        },
      ],
      { title: 'explorer', xTitle: 'p_tar' },
    );
    const browser = await chromium.launch({ executablePath: findChromium()!, args: [...CHROMIUM_ARGS] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      await page.route('**/*', (r) => {
        requests.push(r.request().url());
        return r.abort();
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setContent(figureHtml(explorer));
      await page.waitForSelector('#figure .main-svg', { timeout: 60_000 });
      const result = (await page.evaluate(`(async () => {
      const gd = document.getElementById('figure');
      const sliders = document.querySelectorAll('.slider-container').length;
      const menus = document.querySelectorAll('.updatemenu-container').length;
      const step = gd.layout.sliders[0].steps[2];
      await Plotly[step.method](gd, ...step.args);
      await Plotly.restyle(gd, gd.layout.updatemenus[0].buttons[1].args[0]);
      const shown = Array.from(document.querySelectorAll('.textpoint text')).map((t) => t.textContent);
      return { sliders, menus, x0: gd.layout.shapes[0].x0, text: gd.data.filter((t) => t.mode === 'text').map((t) => t.text[0]), shown, visible: gd.data.map((t) => t.visible) };
    })()`)) as { sliders: number; menus: number; x0: number; text: string[]; shown: string[]; visible: boolean[] };
      assert.equal(result.sliders, 1);
      assert.equal(result.menus, 1);
      assert.equal(result.x0, 0.7);
      assert.deepEqual(result.text, ['uncalibrated: 0.300', 'TS per exit: 0.600']);
      assert.deepEqual(result.visible, [true, false, true, false], 'lines and read-outs of the picked method only');
      assert.deepEqual(result.shown, ['uncalibrated: 0.300'], 'the read-out follows the dropdown');
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], 'the page made no request');
    } finally {
      await browser.close();
    }
  },
);
