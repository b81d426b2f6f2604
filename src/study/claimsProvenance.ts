import { createHash, type Hash } from 'node:crypto';
import type { ExitRecords } from '../records/types';
import { exitTemperature } from '../calibration/applyCalibration';
import { exitNamesOf } from './exitNames';
import type { CalibrationStudy } from './calibrationStudy';
import type { OffloadingStudy } from './offloadingStudy';
import { resolveConfig, type ReproduceConfig } from './config';
import type { ClaimMethod } from './methodRefits';
import type { Claim } from './offloadingClaims';

/**
 * Everything a method's verdicts depend on apart from the records, B and the method itself: the
 * pre-registered verdict settings and what `studyClaims` passes to every judged method. Two runs
 * with equal settings, records digest, B and method draw the same resamples and reach the same
 * verdicts, which is what lets a notebook reuse verdicts computed elsewhere.
 */
export interface ClaimsSettings {
  verdicts: {
    points: number[];
    minEffect: number;
    alpha: number;
    seed: number;
    shufflesPerReplicate: number;
    minDeviceSamples: number;
    floorSimulations: number;
  };
  calibrationPTar: number;
  calibrationSubset: string;
  refitPerPTar: boolean;
  fallback: string;
  pTarGrid: number[];
  batches: { batchSize: number; rounds: number; seed: number };
  deadlinePTar: number;
  edgeExits: number[];
  exitNames: string[];
}

/** Fitted temperature of each exit for a judged method, on the whole validation split (null: not a TS, or not fitted). */
export type ClaimTemperatures = (number | null)[] | null;

/**
 * What `eecal reproduce` writes beside the claims in report.json (`claimsProvenance`): the records
 * digest, the settings and B the verdicts were computed with, and each judged method's temperatures.
 */
export interface ClaimsProvenance {
  /** {@link recordsDigest} of the val and test records. */
  records: string;
  settings: ClaimsSettings;
  /** Paired-bootstrap replicates B behind every verdict. */
  replicates: number;
  /** The judged methods, each with its fitted temperatures (a fit differing from the notebook's is not reused). */
  methods: Partial<Record<ClaimMethod, { temperatures: ClaimTemperatures }>>;
  /** When the verdicts were computed (ISO 8601). */
  computed: string;
  eecalVersion: string;
}

function hashRecords(h: Hash, name: string, r: ExitRecords): void {
  h.update(`${name}:${r.numSamples}x${r.numClasses}x${r.numExits}\n`);
  h.update(new Uint8Array(r.labels.buffer, r.labels.byteOffset, r.labels.byteLength));
  for (const l of r.logits) {
    // Float32 and Float64 logits of the same values hash alike: the analysis sees doubles either way.
    const d = l instanceof Float64Array ? l : Float64Array.from(l);
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
}

/**
 * SHA-256 (hex) of the val and test records' shapes, labels and logits: any changed logit or
 * label changes it. Exit names and costs are not hashed (the settings carry the names).
 */
export function recordsDigest(val: ExitRecords, test: ExitRecords): string {
  const h = createHash('sha256');
  hashRecords(h, 'val', val);
  hashRecords(h, 'test', test);
  return h.digest('hex');
}

/** The settings of {@link ClaimsSettings} for a notebook's or reproduction's studies (fixed key order, so equal settings serialise equally). */
export function claimsSettings(test: ExitRecords, offloading: OffloadingStudy, cfg: ReproduceConfig): ClaimsSettings {
  const c = resolveConfig(cfg);
  const v = c.verdicts;
  return {
    verdicts: {
      points: [...v.points],
      minEffect: v.minEffect,
      alpha: v.alpha,
      seed: v.seed,
      shufflesPerReplicate: v.shufflesPerReplicate,
      minDeviceSamples: v.minDeviceSamples,
      floorSimulations: v.floorSimulations,
    },
    calibrationPTar: cfg.calibrationPTar,
    calibrationSubset: c.calibrationSubset,
    refitPerPTar: c.refitPerPTar,
    fallback: cfg.fallback,
    pTarGrid: [...cfg.pTarGrid],
    batches: { batchSize: cfg.batches.batchSize, rounds: cfg.batches.rounds, seed: cfg.batches.seed },
    deadlinePTar: offloading.deadlinePTar,
    edgeExits: offloading.partitions.map((p) => p.edgeExits),
    exitNames: exitNamesOf(test),
  };
}

/** The whole-validation temperatures of a judged method as `studyClaims` passes them (null when the study did not fit it). */
export function claimTemperatures(
  calibration: CalibrationStudy,
  method: ClaimMethod,
  test: ExitRecords,
): ClaimTemperatures {
  const file = calibration.methods.find((m) => m.id === method)?.calibration;
  return file ? exitNamesOf(test).map((_, e) => exitTemperature(file, e)) : null;
}

/** The claims of one judged method: the paper's TS per exit has ids without suffix, every other method `:method`. */
export function claimsOfMethod(claims: readonly Claim[], method: ClaimMethod): Claim[] {
  return claims.filter((c) => (method === 'temperature' ? !c.id.includes(':') : c.id.endsWith(`:${method}`)));
}

/** The provenance `eecal reproduce` stores with its claims. */
export function claimsProvenance(
  val: ExitRecords,
  test: ExitRecords,
  calibration: CalibrationStudy,
  offloading: OffloadingStudy,
  cfg: ReproduceConfig,
  methods: readonly ClaimMethod[],
  eecalVersion: string,
  computed: Date = new Date(),
): ClaimsProvenance {
  return {
    records: recordsDigest(val, test),
    settings: claimsSettings(test, offloading, cfg),
    replicates: resolveConfig(cfg).verdicts.replicates,
    methods: Object.fromEntries(methods.map((m) => [m, { temperatures: claimTemperatures(calibration, m, test) }])),
    computed: computed.toISOString(),
    eecalVersion,
  };
}

/**
 * Cache key of one method's verdicts: SHA-256 over the records digest, settings, B, method, its
 * temperatures and the eecal version (a new release may judge differently).
 */
export function methodClaimsKey(
  records: string,
  settings: ClaimsSettings,
  replicates: number,
  method: ClaimMethod,
  temperatures: ClaimTemperatures,
  eecalVersion: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify({ records, settings, replicates, method, temperatures, eecalVersion }))
    .digest('hex');
}
