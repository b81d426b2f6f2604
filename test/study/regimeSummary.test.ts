import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilsonInterval, uncalibratedShortfalls } from '../../src/study/regimeSummary';
import { plantedRecords } from './plantedRecords';
import { regimesMarkdown } from '../../src/report/regimesMarkdown';

test('Wilson 95 % interval matches Newcombe (1998, Stat. Med. 17:857, Table I, method 3)', () => {
  const cases: Array<[number, number, number, number]> = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [x, n, lo, hi] of cases) {
    const [l, h] = wilsonInterval(x, n);
    assert.ok(Math.abs(l - lo) < 6e-5 && Math.abs(h - hi) < 6e-5, `${x}/${n}: [${l}, ${h}]`);
  }
});

const grid = Array.from({ length: 50 }, (_, i) => Number((0.5 + 0.01 * i).toFixed(2)));

test('shortfalls: planted overconfident records (logits ×2.5) miss p_tar beyond the interval; perfectly calibrated ones do not', () => {
  const sharp = plantedRecords({ numSamples: 6000, seed: 11, sharpen: 2.5 });
  const s = uncalibratedShortfalls(sharp, grid, 200);
  assert.ok(s.points.length >= 10, `overconfident: ${s.points.length} of ${s.examined}`);
  for (const p of s.points) assert.ok(p.kept >= 200 && p.high < p.pTar && p.low <= p.accuracy && p.accuracy <= p.high);
  // Calibrated: the device's accuracy is ≥ p_tar in expectation at every threshold (it keeps samples whose
  // true probability is ≥ p_tar), so a 95 % interval lies below p_tar rarely; allow at most a stray point.
  const cal = plantedRecords({ numSamples: 6000, seed: 11 });
  const c = uncalibratedShortfalls(cal, grid, 200);
  assert.ok(c.examined >= 40);
  assert.ok(c.points.length <= 1, `calibrated: ${c.points.map((p) => p.pTar).join(', ')}`);
});

test('regimes report: targets met/not met from the numbers, claims × models, links', () => {
  const summary = (name: string, eceBefore: number, shortfall: boolean, eceAfter = 0.02) => ({
    name,
    regime: {
      recipe: name === 'a' ? 'branchynet' : null,
      augment: name !== 'a',
      lrSchedule: 'constant',
      keep: 'last' as const,
      epochsDone: 12,
      epochsDeclared: 30,
      weightsEpoch: 12,
      adamUpdates: 8448,
    },
    exits: [
      {
        name: 'branch1',
        accuracy: 0.7,
        eceBefore,
        eceAfter,
        temperature: 1.6,
        entropyBelow1e4: 0.3,
        entropyBelow005: 0.6,
      },
      {
        name: 'final',
        accuracy: 0.74,
        eceBefore: 0.1,
        eceAfter: 0.01,
        temperature: 1.5,
        entropyBelow1e4: 0.3,
        entropyBelow005: 0.6,
      },
    ],
    shortfalls: shortfall ? [{ pTar: 0.9, kept: 3000, accuracy: 0.85, low: 0.837, high: 0.862 }] : [],
    examined: 50,
    claims: [
      {
        id: 'k1-outage',
        claim: 'c',
        finding: 'f',
        verdict: 'supported' as const,
        estimates: [
          {
            quantity: 'q',
            at: 0.8,
            estimate: -0.02,
            low: -0.03,
            high: -0.01,
            level: 0.983,
            verdict: 'supported' as const,
          },
        ],
      },
    ],
  });
  const md = regimesMarkdown({
    command: 'eecal reproduce',
    eecalVersion: '0',
    models: [
      {
        summary: summary('a', 0.12, true),
        reportLink: 'docs/reproduction/a/REPORT.md',
        trainingFigure: 'docs/reproduction/a/calibration-over-training.png',
      },
      { summary: summary('b', 0.02, false, 0.05), reportLink: 'docs/reproduction/b/REPORT.md', trainingFigure: null },
    ],
  });
  assert.match(md, /12 of 30 \(training continues\)/);
  assert.match(md, /branch1 15-bin ECE before TS ≥ 8\.0% \| 12\.0% \| yes/);
  assert.match(md, /branch1 15-bin ECE before TS ≥ 8\.0% \| 2\.0% \| \*\*no\*\*/);
  assert.match(md, /1 of 50 points; largest at p_tar 0\.90: 85\.0%/);
  assert.match(md, /branch1 15-bin ECE after TS per exit \(fitted on val\) ≤ 3\.0% \| 2\.0% \| yes/);
  assert.match(md, /branch1 15-bin ECE after TS per exit \(fitted on val\) ≤ 3\.0% \| 5\.0% \| \*\*no\*\*/);
  assert.match(md, /Not a target: ECE after TS per exit on the other exits: final 1\.0%/);
  assert.match(md, /\| k1-outage \| supported \(Δ at 0\.80: -2\.0 pp \[-3\.0, -1\.0\]\) \| supported/);
  assert.match(md, /!\[calibration over training of a\]\(docs\/reproduction\/a\/calibration-over-training\.png\)/);
  assert.doesNotMatch(md, /calibration over training of b/);
});
