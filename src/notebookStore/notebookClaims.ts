import type { ExitRecords } from '../records/types';
import { CALIBRATION_METHODS, isCalibrationMethod } from '../calibration/methods';
import { packageVersion } from '../version';
import { claimMethodsOf, studyClaims, type ClaimsProgress } from '../study/analysis';
import { claimsSettings, claimTemperatures, methodClaimsKey, recordsDigest } from '../study/claimsProvenance';
import { claimsCacheFile, readCachedClaims, writeCachedClaims } from './claimsCache';
import { reportClaims } from './reportClaims';
import { claimsNote } from '../report/claimsNote';
import type { ClaimMethod } from '../study/methodRefits';
import type { CalibrationStudy } from '../study/calibrationStudy';
import type { OffloadingStudy } from '../study/offloadingStudy';
import { resolveConfig, type ReproduceConfig } from '../study/config';
import type { Claim } from '../study/offloadingClaims';

/** Options of {@link notebookClaims}. */
export interface NotebookClaimsOptions {
  /** B when the verdicts must be computed here (default 200, so a cell stays interactive). */
  replicates?: number;
  /** Judged methods (default the config's claim methods, else all four). */
  methods?: readonly ClaimMethod[];
  /** report.json files of `eecal reproduce` to take verdicts from when they match, tried in order. */
  reportFiles?: readonly string[];
  /** Folder of the verdicts cache (one JSON per method and key), or null for no cache. */
  cacheDir?: string | null;
  /** Ignore reports and cache: compute now (and refresh the cache). */
  fresh?: boolean;
  /** eecal version (part of the cache key; default package.json's). */
  eecalVersion?: string;
  /** Clock of the "computed" dates (tests). */
  now?: () => Date;
  /** Progress of methods refitted through their own fit on every replicate (a user's method). */
  progress?: ClaimsProgress;
}

/** Where one method's verdicts came from. */
export interface ClaimsSource {
  method: ClaimMethod;
  /** The method's display label. */
  label: string;
  /** report: a matching report.json; cache: an earlier computation on the same records and settings; computed: just now. */
  kind: 'report' | 'cache' | 'computed';
  /** The report or cache file read or written (null: computed without a cache). */
  file: string | null;
  replicates: number;
  /** When the verdicts were computed (ISO 8601). */
  computed: string;
  /** How long computing them took (ms), when they were computed now. */
  tookMs?: number;
}

/** A notebook's verdicts with where each method's came from and a Markdown line saying so. */
export interface NotebookClaims {
  claims: Claim[];
  sources: ClaimsSource[];
  /** Report files that exist but were not used, and why (e.g. "was computed from other records"). */
  skippedReports: Array<{ file: string; why: string }>;
  /** Markdown (italic lines): the source, B and date of the verdicts shown, for the cell's output. */
  note: string;
}

/**
 * The report's claims for a notebook, fast and never stale. For each judged method, in order:
 * the verdicts of a report.json that was computed from exactly these records (content digest),
 * settings and fit with B ≥ `replicates` (the report's B = 1,000 ones); else those cached by an
 * earlier run on the same key; else computed now by the paired bootstrap (`studyClaims`, B =
 * `replicates`) and cached. Claims come in `studyClaims`' order, and a cache hit returns exactly
 * what a fresh computation would.
 */
export function notebookClaims(
  val: ExitRecords,
  test: ExitRecords,
  calibration: CalibrationStudy,
  offloading: OffloadingStudy,
  cfg: ReproduceConfig,
  opts: NotebookClaimsOptions = {},
): NotebookClaims {
  const replicates = opts.replicates ?? 200;
  const methods = opts.methods ?? resolveConfig(cfg).claimMethods;
  const version = opts.eecalVersion ?? packageVersion();
  const now = opts.now ?? (() => new Date());
  const records = recordsDigest(val, test);
  const settings = claimsSettings(test, offloading, cfg);
  const claims: Claim[] = [];
  const sources: ClaimsSource[] = [];
  const skipped = new Map<string, string>();
  const definitions = claimMethodsOf(calibration, methods);
  for (const [i, method] of methods.entries()) {
    const label = definitions[i].label;
    // A user's method (even one reusing a built-in id) is judged now: its code is not part of any
    // key, so a report or cache entry of the same id may come from another version of it.
    const builtIn = isCalibrationMethod(method) && definitions[i] === CALIBRATION_METHODS[method];
    const temperatures = claimTemperatures(calibration, method, test);
    let source: ClaimsSource | null = null;
    for (const file of opts.fresh || !builtIn ? [] : (opts.reportFiles ?? [])) {
      const r = reportClaims(file, { records, settings, method, temperatures, minReplicates: replicates });
      if (r.found) {
        claims.push(...r.found.claims);
        source = { method, label, kind: 'report', file, replicates: r.found.replicates, computed: r.found.computed };
        break;
      }
      if (r.why && !skipped.has(file)) skipped.set(file, r.why);
    }
    if (!source) {
      const key = methodClaimsKey(records, settings, replicates, method, temperatures, version);
      const cacheDir = builtIn ? opts.cacheDir : null;
      const cached = cacheDir && !opts.fresh ? readCachedClaims(cacheDir, key) : null;
      if (cached) {
        claims.push(...cached.claims);
        source = {
          method,
          label,
          kind: 'cache',
          file: claimsCacheFile(opts.cacheDir as string, key),
          replicates: cached.replicates,
          computed: cached.computed,
        };
      } else {
        const computed = now().toISOString();
        const started = Date.now();
        const fresh = studyClaims(val, test, calibration, offloading, cfg, replicates, [method], opts.progress);
        const tookMs = Date.now() - started;
        claims.push(...fresh);
        const file = cacheDir
          ? writeCachedClaims(cacheDir, { key, method, replicates, computed, claims: fresh })
          : null;
        source = { method, label, kind: 'computed', file, replicates, computed, ...(builtIn ? {} : { tookMs }) };
      }
    }
    sources.push(source);
  }
  const skippedReports = [...skipped].map(([file, why]) => ({ file, why }));
  return {
    claims,
    sources,
    skippedReports,
    note: claimsNote(sources, skippedReports, resolveConfig(cfg).verdicts.replicates),
  };
}
