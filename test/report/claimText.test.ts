import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedClaims } from '../study/plantedClaims';
import { claimFromJson, claimToJson } from '../../src/report/claimJson';
import { claimSentence, constructionText, estimatesText, findingText } from '../../src/report/claimText';
import { parseClaimId } from '../../src/study/claimId';

const { claims } = plantedClaims({ sharpen: 2, rounds: 10, exitNames: ['b1', 'b2', 'final'] });

test('claims are data: no sentences from study/, structured ids, facts for report/ to word', () => {
  for (const c of claims) {
    assert.equal(c.claim, undefined);
    assert.equal(c.finding, undefined);
    assert.equal(c.byConstruction, undefined);
    assert.ok(c.facts, c.id);
    assert.equal(parseClaimId(c.id)?.topic, c.facts!.topic);
  }
});

test('report/ words each claim from its facts; the JSON round trip gives the data back exactly', () => {
  const below = claims.find((c) => c.id === 'k1-uncalibrated-below-target')!;
  assert.equal(
    claimSentence(below),
    'Without calibration, the on-device accuracy falls below the target p_tar (k = 1).',
  );
  assert.equal(findingText(below), `Uncalibrated on-device accuracy − p_tar: ${estimatesText(below.estimates)}.`);
  const second = claims.find((c) => c.id === 'second-side-branch')!;
  assert.match(
    constructionText(second)!,
    /^with the same p_tar a second device exit can only answer samples the first one offloaded/,
  );
  const json = JSON.parse(JSON.stringify(claims.map(claimToJson)));
  assert.deepEqual(
    Object.keys(json[0]).slice(0, 5),
    ['id', 'claim', 'finding', 'verdict', 'estimates'],
    "report.json's field order",
  );
  assert.equal(json[0].claim, claimSentence(claims[0]));
  assert.deepEqual(json.map(claimFromJson), claims);
  // A claim stored with words only (a comparison, an older report) keeps them.
  const worded = { id: 'guo-table-1', claim: 'C', finding: 'F', verdict: 'supported' as const, estimates: [] };
  assert.deepEqual(claimFromJson(worded), worded);
  assert.equal(findingText(claimFromJson(worded)), 'F');
});
