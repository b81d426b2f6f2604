import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guaranteeClaimSentence, guaranteeMarkdown } from '../../src/report/guaranteeMarkdown';
import { runGuaranteeStudy } from '../../src/study/guaranteeStudy';
import { plantedRecords } from '../study/plantedRecords';

test('guarantee page: every rule row, the claim rule it applies, figures linked, the command', () => {
  const val = plantedRecords({ numSamples: 600, seed: 1, split: 'val' });
  const t = plantedRecords({ numSamples: 600, seed: 2 });
  const s = runGuaranteeStudy([{ name: 'planted', val, test: t }], {
    ks: [1],
    targets: [0.8, 0.9],
    delta: 0.1,
    draws: 30,
    seed: 0,
    rules: ['uncalibrated', 'temperature', 'risk-control'],
  });
  assert.deepEqual(Object.keys(s.figures).sort(), [
    'guarantees-planted-k1-offload',
    'guarantees-planted-k1-violations',
  ]);
  const md = guaranteeMarkdown(s, { dir: 'guarantees/', png: true }, 'eecal guarantees --draws 30');
  // 3 rules × 2 targets in the evidence table, plus 2 held-out rows.
  assert.equal((md.match(/^\| 0\.[89] \|/gm) ?? []).length, 8);
  assert.match(md, /## What the guarantee assumes/);
  assert.equal(s.entries[0].heldOut.length, 2);
  assert.match(md, /!\[Violation frequency vs target\]\(guarantees\/guarantees-planted-k1-violations\.png\)/);
  assert.match(md, /eecal guarantees --draws 30/);
  const claim = s.entries[0].claims.find((c) => c.rule === 'risk-control')!;
  const sentence = guaranteeClaimSentence(claim);
  // The sentence states the rule it applies and the verdict the data carry.
  assert.match(sentence, new RegExp(`\\*\\*${claim.verdict}\\*\\*`));
  assert.match(sentence, /97\.5 % Clopper–Pearson interval/);
  for (const p of claim.points) assert.ok(sentence.includes(`${p.target}: ${p.violations}/${p.draws}`));
});

test('held-out wording: below the target is "within sampling error" only when the interval reaches it', async () => {
  const { heldOutMeets } = await import('../../src/report/guaranteeMarkdown');
  const row = (acc: number | null, hi: number) => ({
    target: 0.9,
    threshold: 0.8,
    testAccuracy: acc,
    testInterval: acc === null ? null : ([acc - 0.01, hi] as [number, number]),
    testOffload: 0.3,
    rawAccuracy: 0.9,
    rawOffload: 0.2,
  });
  assert.equal(heldOutMeets(row(0.91, 0.92)), 'yes');
  assert.equal(heldOutMeets(row(0.897, 0.905)), 'below, within sampling error');
  assert.equal(heldOutMeets(row(0.88, 0.895)), 'no');
  assert.equal(heldOutMeets(row(null, 0)), '—');
});
