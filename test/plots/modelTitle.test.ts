import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openNotebook, PLOTLY_MIME, type DisplayMessage } from '../../src/plots/display/notebook';
import { withModelInTitle } from '../../src/plots/modelTitle';
import { renderCurves } from '../../src/plots/curves';
import type { PlotlyFigure } from '../../src/plots/figure';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-nbmodel-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const curves = (title: string, width = 760) =>
  renderCurves(
    [
      { label: 'u', x: [0, 1], y: [0, 1] },
      { label: 'ts', x: [0, 1], y: [1, 0] },
    ],
    { title, xTitle: 'x', yTitle: 'y', width },
  );

test('withModelInTitle: the model heads the title; a longer title grows the figure at the top only', () => {
  const fig = curves('On-device accuracy vs p_tar', 760);
  const same = withModelInTitle(fig, 'b-alexnet-cifar10-branchynet');
  assert.equal(same.layout.title?.text, 'b-alexnet-cifar10-branchynet · On-device accuracy vs p_tar');
  assert.equal(same.layout.height, fig.layout.height); // still one line at 760 px: nothing moves
  // 300 px wide: ~25 characters a line, so the 60-character title needs a line more than the old one.
  const base = curves('On-device accuracy vs p_tar', 300);
  const narrow = {
    ...base,
    layout: { ...base.layout, annotations: [{ text: 'note', xref: 'paper', yref: 'container', x: 0, y: 0.1 }] },
  };
  const m = withModelInTitle(narrow, 'b-alexnet-cifar10-branchynet');
  const lines = (f: PlotlyFigure) => (f.layout.title?.text ?? '').split('<br>').length;
  const extra = (lines(m) - lines(narrow)) * 16 * 1.3;
  assert.ok(lines(m) > lines(narrow));
  const mt = (f: PlotlyFigure) => (f.layout.margin as { t: number }).t;
  assert.ok(
    Math.abs(m.layout.height! - narrow.layout.height! - extra) <= 1,
    `height grows by the new lines (${extra} px)`,
  );
  assert.equal(m.layout.height! - narrow.layout.height!, mt(m) - mt(narrow));
  // The legend band stays where it was, counted from the bottom, in pixels.
  const legendPx = (f: PlotlyFigure) => (f.layout.legend as { y: number }).y * f.layout.height!;
  assert.ok(Math.abs(legendPx(m) - legendPx(narrow)) < 1e-9);
  const notePx = (f: PlotlyFigure) => (f.layout.annotations![0].y as number) * f.layout.height!;
  assert.ok(Math.abs(notePx(m) - notePx(narrow)) < 1e-9, 'a note anchored to the bottom keeps its pixel position');
  assert.equal(withModelInTitle(m, 'b-alexnet-cifar10-branchynet'), m, 'a title naming the model is left alone');
});

test('a notebook with a model names it in every title and saves under resultsDir/<model>/', async () => {
  const out: DisplayMessage[] = [];
  const nb = openNotebook({ sink: (m) => out.push(m), png: false, resultsDir: dir, model: 'm-one' });
  await nb.figure(curves('Offloading probability'), { save: 'f' });
  await nb.figure(curves('This run'), { save: 'g', model: 'b-lenet-mnist' });
  await nb.figure(curves('No model'), { save: 'h', model: null });
  const titles = out.map((o) => (o.data[PLOTLY_MIME] as PlotlyFigure).layout.title?.text);
  assert.deepEqual(titles, ['m-one · Offloading probability', 'b-lenet-mnist · This run', 'No model']);
  assert.deepEqual(
    fs
      .readdirSync(path.join(dir, 'm-one'))
      .filter((f) => f.startsWith('f.'))
      .sort(),
    ['f.html', 'f.json'],
  );
  assert.ok(fs.existsSync(path.join(dir, 'b-lenet-mnist', 'g.json')));
  assert.ok(fs.existsSync(path.join(dir, 'h.json')));
  assert.equal(
    JSON.parse(fs.readFileSync(path.join(dir, 'm-one', 'f.json'), 'utf8')).layout.title.text,
    'm-one · Offloading probability',
  );
});

test('a missing figure or an unmet precondition is a one-line ConfigError', async () => {
  const nb = openNotebook({ sink: () => undefined, png: false, resultsDir: dir });
  await assert.rejects(nb.figure(undefined as unknown as PlotlyFigure), {
    name: 'ConfigError',
    message: /expected a plotly figure.*got undefined/,
  });
  assert.throws(() => nb.expect(undefined, 'notebook 06 needs per-exit times'), {
    name: 'ConfigError',
    message: 'notebook 06 needs per-exit times',
  });
  assert.throws(() => nb.expect(2 >= 3, 'needs 3 exits'), { name: 'ConfigError' });
  assert.equal(nb.expect(5, 'x'), 5);
});
