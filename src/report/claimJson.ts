import type { Claim } from '../study/offloadingClaims';
import { claimSentence, constructionText, findingText } from './claimText';

/**
 * The one serialisation of claims, for report.json and the notebooks' claims cache alike: the
 * data (id, verdict, estimates, facts, construction) plus the words a reader of the JSON needs
 * (claim, finding, byConstruction), in the order report.json has always had.
 */
export interface ClaimJson {
  id: string;
  claim: string;
  finding: string;
  verdict: Claim['verdict'];
  estimates: Claim['estimates'];
  byConstruction?: string;
  facts?: Claim['facts'];
  construction?: Claim['construction'];
  comparison?: Claim['comparison'];
}

/** A claim as stored: its data and its words. */
export function claimToJson(c: Claim): ClaimJson {
  const why = constructionText(c);
  return {
    id: c.id,
    claim: claimSentence(c),
    finding: findingText(c),
    verdict: c.verdict,
    estimates: c.estimates,
    ...(why !== null ? { byConstruction: why } : {}),
    ...(c.facts ? { facts: c.facts } : {}),
    ...(c.construction ? { construction: c.construction } : {}),
    ...(c.comparison ? { comparison: c.comparison } : {}),
  };
}

/**
 * A stored claim back as data: a claim with facts drops its words (they are rewritten from the
 * facts, so a cache hit equals a fresh computation); one without (a comparison, or a report
 * written before claims carried facts) keeps them.
 */
export function claimFromJson(j: ClaimJson): Claim {
  if (j.comparison) return { id: j.id, verdict: j.verdict, estimates: j.estimates, comparison: j.comparison };
  if (!j.facts) return j;
  return {
    id: j.id,
    verdict: j.verdict,
    estimates: j.estimates,
    facts: j.facts,
    ...(j.construction ? { construction: j.construction } : {}),
  };
}
