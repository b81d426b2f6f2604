/**
 * `npm run test:browser [-- NOTEBOOK]`: first the figure layout checks (`figure-checks.ts`) on the
 * fixture figure of every builder and on every figure JSON under results/<folder>/ (what the
 * notebooks saved under results/<model>/ and `eecal reproduce` wrote); then open one executed notebook in the classic Jupyter Notebook
 * in headless Chromium and check that its figures are really rendered (PNG fallbacks decoded by the
 * browser; interactive plotly divs too where the notebook is trusted and has them).
 *
 * Steps: execute the notebook into results/notebooks/ if needed, sign it (`jupyter trust`, so the
 * server treats its outputs as trusted), start `jupyter notebook` on 127.0.0.1 on a free port with
 * the token off, wait (bounded) for /api/status, load the page with every non-local request
 * aborted, assert, save a screenshot under results/browser/, and always stop the server.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chromium } from 'playwright-core';
import { repoRoot } from '../src/util/repoRoot';
import { CHROMIUM_ARGS, findChromium } from '../src/plots/export/chromium';
import { jupyterEnv, registerKernel } from './register-kernel';
import { executeNotebook, type Notebook } from './test-notebooks';
import { checkFigure } from './figure-checks';
import { fixtureFigures } from './figure-fixtures';
import { readPlotlyJs } from '../src/plots/export/plotlyBundle';
import { isInteractive, withStaticNote } from '../src/plots/export/staticNote';
import type { PlotlyFigure } from '../src/plots/figure';

/**
 * Layout checks of every fixture figure built by the builders in `plotsDir` and of the figure JSON
 * files in `extraDirs`; prints one line per figure and returns the number that failed.
 */
export async function runFigureChecks(
  exe: string,
  plotsDir: string,
  root: string,
  extraDirs: readonly string[],
): Promise<number> {
  // An interactive figure is also checked as its static image shows it (with the note below it).
  const figures: [string, PlotlyFigure][] = Object.entries(fixtureFigures(plotsDir, root)).flatMap(
    ([k, f]): [string, PlotlyFigure][] =>
      isInteractive(f)
        ? [
            [`fixture ${k}`, f],
            [`fixture ${k} (static image)`, withStaticNote(f)],
          ]
        : [[`fixture ${k}`, f]],
  );
  for (const dir of extraDirs) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const fig = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as PlotlyFigure;
      // A model's results folder also holds report.json and other data: only figures are checked.
      if (!Array.isArray(fig?.data) || typeof fig.layout !== 'object') continue;
      figures.push([path.relative(root, path.join(dir, f)), fig]);
      if (isInteractive(fig))
        figures.push([`${path.relative(root, path.join(dir, f))} (static image)`, withStaticNote(fig)]);
    }
  }
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: [...CHROMIUM_ARGS] });
  let failed = 0;
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.addScriptTag({ content: readPlotlyJs() });
    for (const [name, fig] of figures) {
      const problems = await checkFigure(page, fig);
      if (problems.length) failed++;
      console.log(problems.length ? `FAIL figure ${name}\n  - ${problems.join('\n  - ')}` : `ok   figure ${name}`);
    }
  } finally {
    await browser.close();
  }
  console.log(`figures    ${figures.length - failed}/${figures.length} pass the layout checks`);
  return failed;
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Poll `url` until it answers 200 or `timeoutMs` passes; fails early if the server process exits. */
async function waitForHttp(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`jupyter notebook exited with code ${server.exitCode} before answering ${url}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`jupyter notebook did not answer ${url} within ${timeoutMs / 1000} s`);
}

/** Stop the server and its children (it runs in its own process group). */
function stopServer(server: ChildProcess): void {
  if (server.pid === undefined || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    server.kill('SIGTERM');
  }
}

/** Shut down every kernel the server started for the page (they run in their own sessions). */
async function shutdownKernels(base: string): Promise<void> {
  try {
    const kernels = (await (await fetch(`${base}/api/kernels`)).json()) as { id: string }[];
    await Promise.all(kernels.map((k) => fetch(`${base}/api/kernels/${k.id}`, { method: 'DELETE' })));
  } catch {
    // server already gone: nothing to shut down
  }
}

/** Number of figure bundles (outputs with image/png) stored in an executed notebook. */
function storedPngs(nb: Notebook): number {
  return nb.cells.reduce((n, c) => n + (c.outputs ?? []).filter((o) => o.data?.['image/png']).length, 0);
}

async function main(): Promise<number> {
  const root = repoRoot(__dirname);
  const argv = process.argv.slice(2);
  // --figures-only: only the layout checks; --plots DIR: build the fixtures with another src/plots.
  const figuresOnly = argv.includes('--figures-only');
  const plotsAt = argv.indexOf('--plots');
  const plotsDir = plotsAt >= 0 ? path.resolve(argv[plotsAt + 1]) : path.join(root, 'src', 'plots');
  const name =
    argv.filter((a, i) => !a.startsWith('--') && (plotsAt < 0 || i !== plotsAt + 1))[0] ?? '05-offloading-vs-ptar';
  const source = path.join(root, 'notebooks', `${name.replace(/\.ipynb$/, '')}.ipynb`);
  const exe = findChromium();
  if (!exe) {
    console.error(
      'test:browser: Chromium not found (/usr/bin/chromium or $EECAL_CHROMIUM); install it to run this test',
    );
    return 1;
  }
  // Also the figures the notebooks saved (results/<model>/) and `eecal reproduce` wrote.
  const results = path.join(root, 'results');
  const saved = fs.existsSync(results)
    ? fs
        .readdirSync(results, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !['notebooks', 'browser', 'cache'].includes(d.name))
        .map((d) => path.join(results, d.name))
    : [];
  const badFigures = await runFigureChecks(exe, plotsDir, root, saved);
  if (figuresOnly) return badFigures ? 1 : 0;
  registerKernel(root);
  const outDir = path.join(root, 'results', 'notebooks');
  let executed = path.join(outDir, path.basename(source));
  if (!fs.existsSync(executed) || fs.statSync(executed).mtimeMs < fs.statSync(source).mtimeMs) {
    console.error(`executing ${path.relative(root, source)} …`);
    const r = executeNotebook(source, outDir, root);
    if (r.status !== 0) throw new Error(`nbconvert failed on ${source}: ${r.stderr.slice(-800)}`);
    executed = r.out;
  }
  const nb = JSON.parse(fs.readFileSync(executed, 'utf8')) as Notebook;
  const expectedPngs = storedPngs(nb);
  if (expectedPngs === 0) throw new Error(`${executed} has no figure outputs to check`);

  // Private Jupyter dirs: the notary key that signs the notebook is the one the server checks.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-browser-'));
  const env = jupyterEnv(root, {
    JUPYTER_DATA_DIR: path.join(scratch, 'data'),
    JUPYTER_CONFIG_DIR: path.join(scratch, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(scratch, 'runtime'),
  });
  const trust = spawnSync('jupyter', ['trust', executed], { env, encoding: 'utf8' });
  if (trust.status !== 0)
    console.error(
      `warning: jupyter trust failed (${trust.stderr.trim().split('\n').pop()}); checking untrusted rendering`,
    );
  const port = await freePort();
  const args = [
    'notebook',
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=0',
    '--NotebookApp.token=',
    '--NotebookApp.password=',
    `--notebook-dir=${root}`,
  ];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const server = spawn('jupyter', args, { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let serverLog = '';
  server.stderr?.on('data', (d: Buffer) => {
    serverLog = (serverLog + d.toString()).slice(-4000);
  });
  const onSignal = () => {
    stopServer(server);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: [...CHROMIUM_ARGS] });
  try {
    await waitForHttp(`${base}/api/status`, server, 60_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const blocked: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base) || url.startsWith('data:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const rel = path.relative(root, executed).split(path.sep).map(encodeURIComponent).join('/');
    await page.goto(`${base}/notebooks/${rel}`, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForSelector('.output_png img', { timeout: 60_000 });
    // Every stored PNG is in the page and decoded by the browser (naturalWidth > 0).
    const pngs = (await page.evaluate(
      `Array.from(document.querySelectorAll('.output_png img')).map((i) => i.naturalWidth)`,
    )) as number[];
    const plotlyDivs = (await page.evaluate(`document.querySelectorAll('.js-plotly-plot').length`)) as number;
    const trusted = (await page.evaluate(
      `(globalThis.Jupyter && Jupyter.notebook && Jupyter.notebook.trusted) === true`,
    )) as boolean;
    // Size the viewport to the notebook so one screenshot shows every cell (the classic UI scrolls
    // inside #site, so fullPage would not capture it).
    const height = (await page.evaluate(`document.querySelector('#notebook-container').scrollHeight`)) as number;
    await page.setViewportSize({ width: 1280, height: Math.min(16000, Math.max(800, height + 160)) });
    const shotDir = path.join(root, 'results', 'browser');
    fs.mkdirSync(shotDir, { recursive: true });
    const shot = path.join(shotDir, `${path.basename(executed, '.ipynb')}.png`);
    await page.screenshot({ path: shot, fullPage: false });
    const problems: string[] = [];
    if (pngs.length !== expectedPngs)
      problems.push(`expected ${expectedPngs} rendered PNG figures, found ${pngs.length}`);
    if (pngs.some((w) => !(w > 0))) problems.push(`a PNG figure did not decode (naturalWidth ${JSON.stringify(pngs)})`);
    const serious = pageErrors.filter((e) => !/widgets|nbextensions/i.test(e));
    if (serious.length) problems.push(`page errors: ${serious.join(' | ')}`);
    console.log(
      [
        `notebook   ${path.relative(root, executed)} (${trusted ? 'trusted' : 'not trusted'})`,
        `figures    ${pngs.length}/${expectedPngs} PNG rendered (widths ${pngs.join(', ')}), ${plotlyDivs} interactive plotly div(s)`,
        `blocked    ${blocked.length} non-local request(s)${blocked.length ? `: ${blocked.slice(0, 3).join(', ')}` : ''}`,
        `screenshot ${path.relative(root, shot)}`,
        problems.length ? `FAIL: ${problems.join('; ')}` : 'PASS',
      ].join('\n'),
    );
    return problems.length || badFigures ? 1 : 0;
  } catch (err) {
    console.error(`test:browser: ${(err as Error).message}\n--- jupyter log (tail) ---\n${serverLog.slice(-1500)}`);
    return 1;
  } finally {
    await browser.close();
    await shutdownKernels(base);
    stopServer(server);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().then(
    (c) => {
      process.exitCode = c;
    },
    (e) => {
      console.error(`test:browser: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
