import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { plantedRecords } from './plantedRecords';
import { defaultConfig, type ReproduceConfig } from '../../src/study/config';
import { calibrationStudy } from '../../src/study/calibrationStudy';
import { calibrationOps } from '../../src/study/calibrationOps';
import { offloadingStudy } from '../../src/study/offloadingStudy';
import { studyClaims } from '../../src/study/analysis';
import { notebookClaims } from '../../src/notebookStore/notebookClaims';
import { claimsProvenance, recordsDigest } from '../../src/study/claimsProvenance';
import { readCachedClaims, writeCachedClaims } from '../../src/notebookStore/claimsCache';
import type { ExitRecords } from '../../src/records/types';
import type { ClaimMethod } from '../../src/study/methodRefits';
import type { Claim } from '../../src/study/offloadingClaims';
import { claimToJson } from '../../src/report/claimJson';
import { findingText } from '../../src/report/claimText';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-nbclaims-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// Small overconfident records and the smallest B the verdict settings accept (119 for 3 points at α = 0.05), so each bootstrap takes well under a second.
const B = 120;
const METHODS: readonly ClaimMethod[] = ['temperature', 'global'];
const val = plantedRecords({ numSamples: 400, seed: 1, sharpen: 2, split: 'val' });
const tst = plantedRecords({ numSamples: 600, seed: 2, sharpen: 2 });
const config = (): ReproduceConfig => {
  const c = defaultConfig();
  c.batches.rounds = 10;
  c.verdicts = { floorSimulations: 20 };
  return c;
};
const studies = (v: ExitRecords, t: ExitRecords, cfg = config()) => {
  const calibration = calibrationStudy(v, t, calibrationOps, {
    methods: METHODS,
    pTar: cfg.calibrationPTar,
    bins: cfg.eceBins,
    exitNames: ['branch1', 'branch2', 'final'],
  });
  return { cfg, calibration, offloading: offloadingStudy(t, calibration.methods, cfg) };
};
const base = studies(val, tst);
const fresh = studyClaims(val, tst, base.calibration, base.offloading, base.cfg, B, METHODS);

/** The same records with one logit changed by a hair. */
function withOneLogitChanged(r: ExitRecords, exit: number, i: number): ExitRecords {
  const logits = r.logits.map((l) => l.slice());
  logits[exit][i] += 1e-6;
  return { ...r, logits };
}

const FIXED = new Date('2024-05-06T07:08:09Z');

test('recordsDigest: SHA-256 of shapes, labels and float64 logits; one changed logit or label changes it', () => {
  const h = createHash('sha256');
  for (const [name, r] of [
    ['val', val],
    ['test', tst],
  ] as const) {
    h.update(`${name}:${r.numSamples}x${r.numClasses}x${r.numExits}\n`);
    h.update(Buffer.from(r.labels.buffer));
    for (const l of r.logits) h.update(Buffer.from(Float64Array.from(l).buffer));
  }
  assert.equal(recordsDigest(val, tst), h.digest('hex'));
  assert.notEqual(recordsDigest(withOneLogitChanged(val, 2, 3999), tst), recordsDigest(val, tst));
  assert.notEqual(recordsDigest(val, withOneLogitChanged(tst, 0, 0)), recordsDigest(val, tst));
  const labels = tst.labels.slice();
  labels[7] = (labels[7] + 1) % 10;
  assert.notEqual(recordsDigest(val, { ...tst, labels }), recordsDigest(val, tst));
  assert.notEqual(recordsDigest(tst, val), recordsDigest(val, tst), 'the splits are not interchangeable');
  const f32 = { ...val, logits: val.logits.map((l) => Float32Array.from(l)) };
  assert.equal(
    recordsDigest(f32, tst),
    recordsDigest({ ...val, logits: f32.logits.map((l) => Float64Array.from(l)) }, tst),
    'float32 logits hash as the doubles they are',
  );
});

test('notebookClaims: computes per method exactly what studyClaims computes, caches it, and a rerun returns identical claims from the cache', () => {
  const cacheDir = path.join(dir, 'cache-hit');
  let clock = FIXED;
  const run = () =>
    notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, {
      replicates: B,
      methods: METHODS,
      cacheDir,
      now: () => clock,
      eecalVersion: 't',
    });
  const first = run();
  assert.deepEqual(first.claims, fresh);
  assert.deepEqual(
    first.sources.map((s) => [s.method, s.kind, s.replicates, s.computed]),
    [
      ['temperature', 'computed', B, FIXED.toISOString()],
      ['global', 'computed', B, FIXED.toISOString()],
    ],
  );
  assert.equal(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json')).length, 2, 'one cache file per method');
  assert.ok(!fs.readdirSync(cacheDir).some((f) => f.includes('.eecal-tmp')), 'written atomically');
  clock = new Date('2030-01-01T00:00:00Z');
  const second = run();
  assert.deepEqual(second.claims, fresh, 'cache hit: identical claims');
  assert.deepEqual(
    second.sources.map((s) => [s.kind, s.computed]),
    [
      ['cache', FIXED.toISOString()],
      ['cache', FIXED.toISOString()],
    ],
    'dated when computed, not when read',
  );
  assert.match(
    second.note,
    /^\*Verdicts of TS per exit, Global TS: from the cache in `.*cache-hit\/`, B = 120, computed 2024-05-06 07:08 UTC\.\*/,
  );
  assert.match(second.note, /The reproduction judges with B = 1,000/);
  // A subset of the methods is served by the same entries (notebook 07 judges TS per exit only).
  const one = notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, {
    replicates: B,
    methods: ['temperature'],
    cacheDir,
    eecalVersion: 't',
  });
  assert.equal(one.sources[0].kind, 'cache');
  assert.deepEqual(
    one.claims,
    fresh.filter((c) => !c.id.includes(':')),
  );
  // fresh: recomputes even though the cache holds the key.
  assert.equal(
    notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, {
      replicates: B,
      methods: ['temperature'],
      cacheDir,
      fresh: true,
      eecalVersion: 't',
    }).sources[0].kind,
    'computed',
  );
});

test('notebookClaims: one changed logit (val or test), another B, setting or eecal version misses the cache: never stale verdicts', () => {
  const cacheDir = path.join(dir, 'cache-miss');
  const opts = { replicates: B, methods: ['temperature'] as ClaimMethod[], cacheDir, eecalVersion: 't' };
  notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, opts);
  assert.equal(notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, opts).sources[0].kind, 'cache');

  const val2 = withOneLogitChanged(val, 0, 5);
  const s2 = studies(val2, tst);
  const r2 = notebookClaims(val2, tst, s2.calibration, s2.offloading, s2.cfg, opts);
  assert.equal(r2.sources[0].kind, 'computed', 'changed val logit: recomputed');
  assert.deepEqual(r2.claims, studyClaims(val2, tst, s2.calibration, s2.offloading, s2.cfg, B, ['temperature']));

  const tst2 = withOneLogitChanged(tst, 1, 11);
  const s3 = studies(val, tst2);
  assert.equal(
    notebookClaims(val, tst2, s3.calibration, s3.offloading, s3.cfg, opts).sources[0].kind,
    'computed',
    'changed test logit: recomputed',
  );

  assert.equal(
    notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, { ...opts, replicates: B + 1 }).sources[0]
      .kind,
    'computed',
    'other B',
  );
  const cfg = config();
  cfg.verdicts = { ...cfg.verdicts, minEffect: 0.01 };
  assert.equal(
    notebookClaims(val, tst, base.calibration, base.offloading, cfg, opts).sources[0].kind,
    'computed',
    'other minimum effect',
  );
  assert.equal(
    notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, { ...opts, eecalVersion: 't2' }).sources[0]
      .kind,
    'computed',
    'other eecal version',
  );
});

test('claims cache: NaN and ±Infinity survive the round trip; a corrupt or foreign file is a miss', () => {
  const cacheDir = path.join(dir, 'cache-raw');
  const claim: Claim = {
    id: 'k1-x',
    claim: 'c',
    finding: 'f',
    verdict: 'inconclusive',
    estimates: [
      { quantity: 'q', at: 0.7, estimate: NaN, low: -Infinity, high: null, level: 0.95, verdict: null, note: 'n' },
    ],
  };
  writeCachedClaims(cacheDir, {
    key: 'k',
    method: 'temperature',
    replicates: 120,
    computed: FIXED.toISOString(),
    claims: [claim],
  });
  assert.deepEqual(readCachedClaims(cacheDir, 'k')?.claims, [claim]);
  fs.writeFileSync(path.join(cacheDir, 'bad.json'), '{"format": "eecal-claims-cache", ');
  assert.equal(readCachedClaims(cacheDir, 'bad'), null);
  fs.copyFileSync(path.join(cacheDir, 'k.json'), path.join(cacheDir, 'other.json'));
  assert.equal(readCachedClaims(cacheDir, 'other'), null, 'a file holding another key is not used');
  assert.equal(readCachedClaims(cacheDir, 'absent'), null);
});

test('notebookClaims: a report.json of exactly these records and settings is shown (its B and date); changed records or too small a B are not', () => {
  // A report as `eecal reproduce` writes it, with B = 150 (the reproduction's 1,000 scaled down).
  const cfg150 = config();
  cfg150.verdicts = { ...cfg150.verdicts, replicates: 150 };
  const reportClaims = studyClaims(val, tst, base.calibration, base.offloading, cfg150, undefined, METHODS);
  const reportFile = path.join(dir, 'results', 'm', 'report.json');
  fs.mkdirSync(path.dirname(reportFile), { recursive: true });
  fs.writeFileSync(
    reportFile,
    JSON.stringify({
      claims: reportClaims.map(claimToJson),
      claimsProvenance: claimsProvenance(val, tst, base.calibration, base.offloading, cfg150, METHODS, 'r', FIXED),
    }),
  );
  const cacheDir = path.join(dir, 'cache-report');
  const absent = path.join(dir, 'nowhere', 'report.json');

  const r = notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, {
    replicates: B,
    methods: ['global', 'temperature'],
    reportFiles: [absent, reportFile],
    cacheDir,
  });
  assert.deepEqual(
    r.sources.map((s) => [s.method, s.kind, s.file, s.replicates]),
    [
      ['global', 'report', reportFile, 150],
      ['temperature', 'report', reportFile, 150],
    ],
  );
  assert.deepEqual(
    r.claims,
    [...reportClaims.filter((c) => c.id.endsWith(':global')), ...reportClaims.filter((c) => !c.id.includes(':'))],
    "the report's claims, in the order asked",
  );
  assert.notDeepEqual(
    r.claims.map(findingText),
    [...fresh.filter((c) => c.id.endsWith(':global')), ...fresh.filter((c) => !c.id.includes(':'))].map(findingText),
    'B = 150, not the B = 120 a computation here would give',
  );
  assert.equal(r.skippedReports.length, 0, 'an absent file is not worth a line');
  assert.ok(!fs.existsSync(cacheDir), 'nothing computed, nothing cached');
  assert.match(
    r.note,
    new RegExp(
      `^\\*Verdicts of Global TS, TS per exit: from \`${path.relative(process.cwd(), reportFile).replace(/[.]/g, '\\.')}\`, B = 150, computed 2024-05-06 07:08 UTC\\.\\*$`,
    ),
  );

  const val2 = withOneLogitChanged(val, 1, 17);
  const s2 = studies(val2, tst);
  const r2 = notebookClaims(val2, tst, s2.calibration, s2.offloading, s2.cfg, {
    replicates: B,
    methods: ['temperature'],
    reportFiles: [reportFile],
    cacheDir,
  });
  assert.equal(r2.sources[0].kind, 'computed', 'changed records: the report is not used');
  assert.deepEqual(
    r2.skippedReports.map((s) => s.why),
    ['was computed from other records'],
  );
  assert.match(r2.note, /report\.json` not used: it was computed from other records\./);

  const r3 = notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, {
    replicates: 200,
    methods: ['temperature'],
    reportFiles: [reportFile],
    cacheDir: null,
  });
  assert.equal(r3.sources[0].kind, 'computed');
  assert.deepEqual(
    r3.skippedReports.map((s) => s.why),
    ['used B = 150, fewer than the 200 asked for'],
  );

  const cfgOther = config();
  cfgOther.calibrationPTar = 0.7;
  assert.deepEqual(
    notebookClaims(val, tst, base.calibration, base.offloading, cfgOther, {
      replicates: B,
      methods: ['temperature'],
      reportFiles: [reportFile],
      cacheDir: null,
    }).skippedReports.map((s) => s.why),
    ['was computed with other settings'],
  );

  const old = path.join(dir, 'old-report.json');
  fs.writeFileSync(old, JSON.stringify({ claims: reportClaims }));
  assert.deepEqual(
    notebookClaims(val, tst, base.calibration, base.offloading, base.cfg, {
      replicates: B,
      methods: ['temperature'],
      reportFiles: [old],
      cacheDir: null,
    }).skippedReports.map((s) => s.why),
    ['has no claims provenance (written by an older eecal)'],
  );
});
