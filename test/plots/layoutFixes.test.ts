import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { calibrationOverTrainingFigure } from '../../src/plots/calibrationOverTrainingFigure';
import { parseCalibrationOverTraining } from '../../src/records/calibrationOverTraining';
import { STATIC_NOTE, withStaticNote } from '../../src/plots/export/staticNote';
import { renderExplorer } from '../../src/plots/explorer';

const csv = path.join(__dirname, '..', '..', 'models', 'b-alexnet-cifar10-branchynet', 'calibration-over-training.csv');

test('calibration over training: k = 1 reads "exit 1", headings wrap to the panel, rows leave room for them', () => {
  const fig = calibrationOverTrainingFigure(parseCalibrationOverTraining(fs.readFileSync(csv, 'utf8'), csv), {
    exitNames: ['branch1', 'branch2', 'final'],
  });
  const heads = (fig.layout.annotations ?? []).map((a) => String(a.text).replace(/<\/?b>/g, ''));
  assert.equal(heads.length, 4);
  assert.ok(!heads.some((h) => h.includes('1–1')), heads.join(' | '));
  assert.match(heads[2], /k = 1 \(device:(<br>| )exit 1\)/);
  assert.match(heads[3], /exits 1–2\)$/);
  // Each heading line fits a 300-px panel at 12 px (≈ 0.64 em per character, the layout's estimate).
  for (const h of heads)
    for (const line of h.split('<br>')) assert.ok(line.length * 0.64 * 12 <= 300, `"${line}" is wider than its panel`);
  // Panel 4 starts the second row: the gap above it holds the upper row's "Epoch" (64 px) and a 2-line heading.
  const dom = (k: string) => (fig.layout[k] as { domain: [number, number] }).domain;
  const plotH =
    fig.layout.height! -
    (fig.layout.margin as { t: number; b: number }).t -
    (fig.layout.margin as { t: number; b: number }).b;
  const gapPx = (dom('yaxis')[0] - dom('yaxis4')[1]) * plotH;
  assert.ok(Math.abs(gapPx - (64 + 2 * 12 * 1.3)) < 1e-6, `row gap ${gapPx} px`);
});

test('static note: below everything, 4 px above the bottom edge and 12 px from the left, in paper units', () => {
  const fig = renderExplorer(
    [
      {
        yTitle: 'P[offload]',
        series: [
          { label: 'u', x: [0.5, 0.9], y: [0.2, 0.6] },
          { label: 'TS per exit', x: [0.5, 0.9], y: [0.3, 0.7] },
        ],
      },
    ],
    { title: 'explorer', xTitle: 'p_tar', initialX: 0.8 },
  );
  const s = withStaticNote(fig);
  const note = s.layout.annotations!.find((a) => String(a.text).includes('Static image'))!;
  assert.ok(note, STATIC_NOTE);
  assert.equal(note.xref, 'paper');
  assert.equal(note.yref, 'paper');
  const m = s.layout.margin as { l: number; r: number; t: number; b: number };
  const plotH = s.layout.height! - m.t - m.b;
  const plotW = s.layout.width! - m.l - m.r;
  assert.ok(Math.abs((note.y as number) * plotH + m.b - 4) < 1e-9, 'note bottom 4 px above the figure bottom');
  assert.ok(Math.abs((note.x as number) * plotW + m.l - 12) < 1e-9, 'note 12 px from the left edge');
  assert.equal(note.yanchor, 'bottom');
  assert.ok(s.layout.height! > fig.layout.height!);
});
