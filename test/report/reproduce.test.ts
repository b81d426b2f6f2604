import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { syntheticRecords } from '../plots/syntheticRecords';
import { readRecords, writeRecords } from '../../src/records/csv';
import { topLabelScores } from '../../src/records/scores';
import { runCascade } from '../../src/cascade/runCascade';
import { reproduce } from '../../src/report/reproduce';
import { defaultConfig } from '../../src/study/config';
import { DataError } from '../../src/errors';
import { recordsDigest } from '../../src/study/claimsProvenance';
import { notebookClaims } from '../../src/notebookStore/notebookClaims';
import { referenceCalibrationOps, fitT } from './referenceCalibrationOps';

/** A model folder with synthetic val/test records, a manifest and a training log. */
function modelDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-repro-'));
  writeRecords(path.join(dir, 'records', 'val.csv'), syntheticRecords({ numSamples: 1500, seed: 11 }));
  writeRecords(path.join(dir, 'records', 'test.csv'), syntheticRecords({ numSamples: 2000, seed: 12 }));
  fs.writeFileSync(
    path.join(dir, 'eecal-model.json'),
    JSON.stringify({
      architecture: 'b-alexnet',
      dataset: 'cifar10',
      training: { epochs: 3, batchSize: 64, learningRate: 0.001, augment: true, trainSamples: 45000 },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'training-log.json'),
    JSON.stringify({
      exitNames: ['branch1', 'branch2', 'final'],
      epochs: [{ epoch: 1, trainLoss: [2, 2, 2], valLoss: [2, 2, 2], valAccuracy: [0.3, 0.4, 0.5] }],
    }),
  );
  return dir;
}

const quick = () => {
  const c = defaultConfig();
  c.bootstrap.replicates = 20;
  c.verdicts = { replicates: 150, floorSimulations: 50 };
  c.batches.rounds = 10;
  return c;
};

test(
  'reproduce: records → figures, tables, REPORT.md, report.json; numbers match an independent computation',
  { timeout: 120_000 },
  async () => {
    const dir = modelDir();
    const out = path.join(dir, 'out');
    try {
      const r = await reproduce({
        modelDir: dir,
        outDir: out,
        reproductionFile: path.join(dir, 'REPRODUCTION.md'),
        config: quick(),
        ops: referenceCalibrationOps,
        images: false,
        command: 'eecal reproduce --model X',
        eecalVersion: '0.0.0-test',
      });
      assert.equal(r.imagesSkipped, 'disabled by --no-images');
      for (const f of [
        'REPORT.md',
        'report.json',
        'tables/sweep-k1.csv',
        'tables/sweep-k2.csv',
        'tables/outage-k2.csv',
        'tables/missed-deadline-k1.csv',
        'tables/calibration-per-exit.csv',
        'tables/reliability-bins.csv',
        'figures/ptar-explorer-k1.html',
        'figures/second-branch.json',
        'figures/reliability-all-methods.json',
        'figures/training-curves.json',
        'figures/exit-costs.json',
      ]) {
        assert.ok(fs.existsSync(path.join(out, f)), `${f} written`);
      }
      assert.ok(
        !fs.readdirSync(out, { recursive: true }).some((f) => String(f).includes('.eecal-tmp')),
        'no temporary files left',
      );
      const md = fs.readFileSync(path.join(out, 'REPORT.md'), 'utf8');
      // REPRODUCTION.md is REPORT.md with its links pointing at the copies in docs/reproduction/ (committed,
      // so the report shows in a fresh clone); only the Files section differs in wording.
      const [body, files] = fs.readFileSync(path.join(dir, 'REPRODUCTION.md'), 'utf8').split('## Files');
      assert.equal(body, md.split('## Files')[0].replace(/\]\(figures\//g, '](docs/reproduction/'));
      assert.match(files, /Tables \(CSV\) in `docs\/reproduction\/`/);
      assert.ok(
        fs.existsSync(path.join(dir, 'docs', 'reproduction', 'sweep-k1.csv')),
        'linked tables copied beside REPRODUCTION.md',
      );
      assert.ok(!md.includes('NaN') && !md.includes('undefined'), 'no NaN/undefined in the report');
      assert.ok(!md.includes('.png)'), 'no image links when PNGs were not rendered');

      // Independent check of the headline number: uncalibrated on-device accuracy at p_tar = 0.8, k = 1.
      const test = readRecords(path.join(dir, 'records', 'test.csv'));
      const scores = test.logits.map((l) => topLabelScores(l, 10));
      const c = runCascade(scores, { edgeExits: 1, pTar: 0.8 });
      let dev = 0;
      let ok = 0;
      for (let i = 0; i < test.numSamples; i++)
        if (c.onDevice[i]) {
          dev++;
          ok += c.prediction[i] === test.labels[i] ? 1 : 0;
        }
      // The verdict's point estimate at p_tar 0.8 is the naive cascade's on-device accuracy − 0.8.
      const gapAt80 = (
        JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as {
          claims: { id: string; estimates: { at: number; estimate: number }[] }[];
        }
      ).claims
        .find((x) => x.id === 'k1-uncalibrated-below-target')!
        .estimates.find((e) => e.at === 0.8)!.estimate;
      assert.ok(Math.abs(gapAt80 - (ok / dev - 0.8)) < 1e-12);
      assert.ok(
        md.includes('Pre-registered points: p_tar = 0.70, 0.80, 0.90'),
        'the report states how verdicts are decided',
      );

      // The per-exit temperature in the table is the validation-fitted one.
      const val = readRecords(path.join(dir, 'records', 'val.csv'));
      const T1 = fitT(val.logits[0], val.labels, 10);
      const row = fs
        .readFileSync(path.join(out, 'tables', 'calibration-per-exit.csv'), 'utf8')
        .split('\n')[1]
        .split(',');
      assert.equal(row[2], 'TS per exit');
      assert.ok(Math.abs(Number(row[3]) - T1) < 1e-12);

      // Sweep CSV agrees with the naive cascade at the same p_tar.
      const sweep = fs.readFileSync(path.join(out, 'tables', 'sweep-k1.csv'), 'utf8').split('\n');
      const header = sweep[0].split(',');
      const line = sweep.find((l) => l.startsWith('uncalibrated,0.8,'))!.split(',');
      assert.ok(Math.abs(Number(line[header.indexOf('onDeviceAccuracy')]) - ok / dev) < 1e-12);
      assert.ok(Math.abs(Number(line[header.indexOf('offloadProbability')]) - (1 - dev / test.numSamples)) < 1e-12);

      const json = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as {
        claims: { id: string; verdict: string }[];
      };
      assert.deepEqual(json.claims.map((x) => x.id).slice(0, 2), [
        'k1-uncalibrated-below-target',
        'k1-calibrated-tracks-target',
      ]);
      assert.equal(
        json.claims.find((x) => x.id === 'k1-uncalibrated-below-target')!.verdict,
        'supported',
        'the synthetic model is overconfident',
      );

      // report.json carries the provenance of its verdicts (records digest, settings, B), and its copy beside
      // REPRODUCTION.md is what a notebook on the same records shows instead of recomputing.
      const prov = (json as unknown as { claimsProvenance: { records: string; replicates: number } }).claimsProvenance;
      assert.equal(prov.records, recordsDigest(val, test));
      assert.equal(prov.replicates, 150);
      const docsReport = path.join(dir, 'docs', 'reproduction', 'report.json');
      assert.deepEqual(
        JSON.parse(fs.readFileSync(docsReport, 'utf8')),
        JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')),
      );
      const shownClaims = notebookClaims(val, test, r.analysis.calibration, r.analysis.offloading, quick(), {
        replicates: 150,
        reportFiles: [docsReport],
        cacheDir: null,
      });
      assert.deepEqual(
        shownClaims.sources.map((x) => x.kind),
        ['report', 'report', 'report', 'report'],
      );
      assert.deepEqual(shownClaims.claims, JSON.parse(JSON.stringify(r.analysis.claims)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('reproduce: missing records are a DataError naming the file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-repro-'));
  try {
    await assert.rejects(
      reproduce({
        modelDir: dir,
        outDir: path.join(dir, 'out'),
        reproductionFile: null,
        config: quick(),
        ops: referenceCalibrationOps,
        images: false,
        command: 'x',
        eecalVersion: '0',
      }),
      (e: unknown) => e instanceof DataError && (e as Error).message.includes(path.join(dir, 'records', 'val.csv')),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
