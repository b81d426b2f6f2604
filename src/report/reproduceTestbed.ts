import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExitRecords } from '../records/types';
import { readMeasuredRuns } from '../records/measuredRecords';
import { readCalibrationFile } from '../calibration/calibrationFile';
import { compareTestbedRuns } from '../study/testbedComparison';
import { deadlineCurves, deadlineVsModelledFigure, latencyVsModelledFigure } from '../plots/testbedFigures';
import type { FigureRenderer } from '../plots/export/chromium';
import { saveFigure } from '../plots/export/saveFigure';
import { testbedComparisonMarkdown } from './testbedMarkdown';

/** A model's shipped testbed run, compared with the latency model, as REPRODUCTION.md shows it. */
export interface TestbedSection {
  /** The comparison's text and tables (no top-level heading: the caller places it). */
  markdown: string;
  /** Figure PNGs written (measured vs modelled latency, missed deadline), absent without Chromium. */
  pngs: string[];
}

/**
 * When a model folder ships measured records (`<model>/testbed/`, written by `eecal testbed`), the
 * same comparison `eecal testbed compare` makes — with the folder's calibration file, default
 * settings — and its two figures under `figDir`. Null when the folder has no testbed run, so a
 * model without one changes nothing in the report.
 */
export async function testbedSection(
  modelDir: string,
  test: ExitRecords,
  figDir: string,
  renderer: FigureRenderer | null,
  plotlyJs: string,
  /** A testbed output folder to use instead of the model folder's own `testbed/` (then it must exist). */
  testbedDir?: string,
): Promise<TestbedSection | null> {
  const dir = testbedDir ?? path.join(modelDir, 'testbed');
  if (testbedDir === undefined && !fs.existsSync(dir)) return null;
  const runs = readMeasuredRuns(dir);
  if (runs.length === 0) return null;
  // The run's calibrated answers used this file; the modelled times must use the same temperatures.
  const calName = fs
    .readdirSync(dir)
    .filter((f) => /^calibration.*\.json$/.test(f))
    .sort()[0];
  const calibration = calName
    ? { file: readCalibrationFile(path.join(dir, calName)), path: path.join(dir, calName) }
    : undefined;
  const c = compareTestbedRuns(runs, test, calibration);
  const first = runs[0].meta.model;
  const figures = [
    {
      stem: 'testbed-latency-vs-modelled',
      fig: latencyVsModelledFigure(
        c.latency.filter((r) => r.quantity === 'upload' || r.quantity === 'offloaded'),
        `${first.architecture}, k = ${first.edgeExits}: measured vs latency model`,
      ),
    },
    {
      stem: 'testbed-deadline-vs-modelled',
      fig: deadlineVsModelledFigure(
        deadlineCurves(c.deadline),
        'P[missed deadline]: measured (solid, 95 % CI) vs modelled (dashed) times',
      ),
    },
  ];
  const pngs: string[] = [];
  for (const { stem, fig } of figures) {
    const written = await saveFigure(fig, figDir, stem, renderer, { plotlyJs, scale: 2 });
    pngs.push(...written.filter((f) => f.endsWith('.png')));
  }
  // testbedComparisonMarkdown starts with its own '# ' title: the report gives the section its heading.
  const markdown = testbedComparisonMarkdown(runs, c)
    .replace(/^# [^\n]*\n+/, '')
    .replace(/^## /gm, '#### ');
  return { markdown, pngs };
}
