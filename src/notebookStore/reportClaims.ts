import * as fs from 'node:fs';
import {
  claimsOfMethod,
  type ClaimsProvenance,
  type ClaimsSettings,
  type ClaimTemperatures,
} from '../study/claimsProvenance';
import type { ClaimMethod } from '../study/methodRefits';
import type { Claim } from '../study/offloadingClaims';
import { claimFromJson, type ClaimJson } from '../report/claimJson';

/** What verdicts a notebook needs: the method, of these records, with these settings and fit, from at least B replicates. */
export interface WantedClaims {
  records: string;
  settings: ClaimsSettings;
  method: ClaimMethod;
  temperatures: ClaimTemperatures;
  minReplicates: number;
}

/** A method's verdicts found in a report, with their B and date. */
export interface ReportClaims {
  claims: Claim[];
  replicates: number;
  computed: string;
}

/** The report's verdicts when they fit, else why not (null: there is no such file). */
export type ReportLookup = { found: ReportClaims } | { found: null; why: string | null };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A method's verdicts from a report.json written by `eecal reproduce`, only when that report was
 * computed from exactly these records (digest), settings and fit, with B at least the one asked
 * for; anything else (an older report without provenance, other records, one changed logit) is
 * not used, so a notebook never shows stale verdicts.
 */
export function reportClaims(file: string, want: WantedClaims): ReportLookup {
  if (!fs.existsSync(file)) return { found: null, why: null };
  let report: { claims?: Claim[]; claimsProvenance?: ClaimsProvenance };
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof report;
  } catch (err) {
    return { found: null, why: `cannot be read as JSON (${(err as Error).message})` };
  }
  const p = report.claimsProvenance;
  if (!p || !Array.isArray(report.claims))
    return { found: null, why: 'has no claims provenance (written by an older eecal)' };
  if (p.records !== want.records) return { found: null, why: 'was computed from other records' };
  if (!same(p.settings, want.settings)) return { found: null, why: 'was computed with other settings' };
  const m = p.methods?.[want.method];
  if (!m) return { found: null, why: `did not judge ${want.method}` };
  if (!same(m.temperatures, want.temperatures)) return { found: null, why: `fitted other ${want.method} temperatures` };
  if (!(p.replicates >= want.minReplicates))
    return { found: null, why: `used B = ${p.replicates}, fewer than the ${want.minReplicates} asked for` };
  return {
    found: {
      claims: claimsOfMethod(report.claims, want.method).map((c) => claimFromJson(c as ClaimJson)),
      replicates: p.replicates,
      computed: p.computed,
    },
  };
}
