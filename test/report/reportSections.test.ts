import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fallbackTable, judgedMethodsText, variantClaims } from '../../src/report/reportMarkdown';
import { defaultConfig } from '../../src/study/config';
import type { OffloadingStudy } from '../../src/study/offloadingStudy';
import type { Claim } from '../../src/study/offloadingClaims';

test('fallback table: overall accuracy with final-exit and most-confident answers at the judged p_tar points', () => {
  const grid = [0.6, 0.7, 0.8, 0.9];
  const study = {
    partitions: [
      {
        edgeExits: 1,
        methods: [
          {
            label: 'uncalibrated',
            overallByFallback: { final: [0.5, 0.81, 0.82, 0.83], 'most-confident': [0.5, 0.79, 0.8, 0.845] },
          },
        ],
      },
    ],
  } as unknown as OffloadingStudy;
  const md = fallbackTable(study, grid, [0.7, 0.9]);
  const lines = md.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /p_tar 0\.70: final exit .* most confident .* p_tar 0\.90: final exit/);
  assert.equal(lines[2], '| 1 | uncalibrated | 81.00% | 79.00% | 83.00% | 84.50% |');
});

test('variant claims: only suffixed ids, in one table; the judged methods and the subset rule are stated', () => {
  const claim = (id: string, verdict: Claim['verdict']): Claim => ({
    id,
    claim: 'c',
    finding: 'Δ a | b',
    verdict,
    estimates: [],
  });
  const md = variantClaims([claim('k1-outage', 'supported'), claim('k1-outage:global', 'inconclusive')]).join('\n');
  assert.ok(md.includes('`k1-outage:global`') && !md.includes('`k1-outage`'));
  assert.ok(md.includes('Δ a \\| b'), 'cells escaped');
  assert.deepEqual(variantClaims([claim('k1-outage', 'supported')]), []);
  const c = defaultConfig();
  assert.match(
    judgedMethodsText(c),
    /TS per exit \(ids without a suffix\), Per-branch TS \(`:per-branch`\), Global TS \(`:global`\), torch-lbfgs \(`:torch-lbfgs`\)/,
  );
  assert.match(judgedMethodsText(c), /counts for the final exit/);
  c.calibrationSubset = 'most-confident';
  c.claimMethods = ['global'];
  assert.match(judgedMethodsText(c), /^Judged for: Global TS \(`:global`\)\..*most confident exit/);
});
