import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite';
import type { ClaimMethod } from '../study/methodRefits';
import type { Claim } from '../study/offloadingClaims';
import { claimFromJson, claimToJson, type ClaimJson } from '../report/claimJson';

/** One method's verdicts as cached on disk, under the key that names the file. */
export interface CachedClaims {
  format: 'eecal-claims-cache';
  version: 1;
  /** `methodClaimsKey` of the records, settings, B, method and temperatures: also the file name. */
  key: string;
  method: ClaimMethod;
  replicates: number;
  /** When the verdicts were computed (ISO 8601). */
  computed: string;
  claims: Claim[];
}

/** The cache file of a key (one JSON file per method's verdicts). */
export function claimsCacheFile(cacheDir: string, key: string): string {
  return path.join(cacheDir, `${key}.json`);
}

// JSON has no NaN or ±Infinity (an undefined Δ is NaN): keep them as tagged strings so a cache
// hit returns exactly the claims computed, not nulls in their place.
const encode = (_k: string, v: unknown) =>
  typeof v === 'number' && !Number.isFinite(v) ? { nonFinite: String(v) } : v;
const decode = (_k: string, v: unknown) => {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'nonFinite') return Number((v as { nonFinite: string }).nonFinite);
  }
  return v;
};

/**
 * The cached verdicts of `key`, or null when there are none. A file that cannot be read, is not
 * a cache entry or holds another key is a miss too (the verdicts are then recomputed and the file
 * replaced): a cache must never be the reason a notebook fails or shows the wrong verdicts.
 */
export function readCachedClaims(cacheDir: string, key: string): CachedClaims | null {
  const file = claimsCacheFile(cacheDir, key);
  let entry: Partial<CachedClaims>;
  try {
    entry = JSON.parse(fs.readFileSync(file, 'utf8'), decode) as Partial<CachedClaims>;
  } catch {
    return null;
  }
  const ok =
    entry?.format === 'eecal-claims-cache' &&
    entry.version === 1 &&
    entry.key === key &&
    Array.isArray(entry.claims) &&
    typeof entry.computed === 'string' &&
    typeof entry.replicates === 'number';
  return ok ? { ...(entry as CachedClaims), claims: (entry.claims as ClaimJson[]).map(claimFromJson) } : null;
}

/** Store one method's verdicts under their key (atomic: a reader sees the old file or the whole new one). */
export function writeCachedClaims(cacheDir: string, entry: Omit<CachedClaims, 'format' | 'version'>): string {
  const file = claimsCacheFile(cacheDir, entry.key);
  writeFileAtomic(
    file,
    JSON.stringify(
      { format: 'eecal-claims-cache', version: 1, ...entry, claims: entry.claims.map(claimToJson) },
      encode,
    ) + '\n',
  );
  return file;
}
