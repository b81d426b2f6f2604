/**
 * A claim id as data: `k{K}-{topic}` (`second-side-branch` has no k), then `:{method}` for every
 * judged method but the paper's TS per exit ('temperature', no suffix). The string form is what
 * report.json, the claims cache and the CLI print; this is what code keys on.
 */
export interface ClaimId {
  /** Device side branches k, null for claims across k (the second side branch). */
  k: number | null;
  /** e.g. 'outage', 'calibrated-tracks-target', 'second-side-branch'. */
  topic: string;
  /** Judged method id ('temperature' for ids without a suffix). */
  method: string;
}

/** The string form of a claim id (the one `parseClaimId` reads back). */
export function formatClaimId(id: ClaimId): string {
  return `${id.k === null ? '' : `k${id.k}-`}${id.topic}${id.method === 'temperature' ? '' : `:${id.method}`}`;
}

/** Parse a claim id string; null when it is not one (a comparison's id, say). */
export function parseClaimId(id: string): ClaimId | null {
  const m = /^(?:k(\d+)-)?([a-z][a-z-]*?)(?::([A-Za-z0-9][A-Za-z0-9._-]*))?$/.exec(id);
  if (!m) return null;
  return { k: m[1] === undefined ? null : Number(m[1]), topic: m[2], method: m[3] ?? 'temperature' };
}
