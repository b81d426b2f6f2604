import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { syntheticRecords } from '../plots/syntheticRecords';
import { writeRecords } from '../../src/records/csv';
import { reproduce } from '../../src/report/reproduce';
import { defaultConfig } from '../../src/study/config';
import { referenceCalibrationOps } from './referenceCalibrationOps';

test(
  'reproduce: a model folder with only records/{val,test}.csv (no sidecar) runs everything that needs no costs and says what was skipped',
  { timeout: 120_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-nosidecar-'));
    try {
      for (const [split, n, seed] of [
        ['val', 1200, 21],
        ['test', 1500, 22],
      ] as const) {
        const r = syntheticRecords({ numSamples: n, seed });
        writeRecords(path.join(dir, 'records', `${split}.csv`), { ...r, meta: undefined });
      }
      assert.deepEqual(fs.readdirSync(path.join(dir, 'records')).sort(), ['test.csv', 'val.csv']);
      const cfg = defaultConfig();
      cfg.bootstrap.replicates = 20;
      cfg.batches.rounds = 5;
      cfg.verdicts = { replicates: 120, floorSimulations: 20 };
      const out = path.join(dir, 'out');
      const res = await reproduce({
        modelDir: dir,
        outDir: out,
        reproductionFile: null,
        config: cfg,
        ops: referenceCalibrationOps,
        images: false,
        command: 'eecal reproduce',
        eecalVersion: 't',
      });
      const a = res.analysis;
      assert.equal(a.offloading.timing, 'none');
      assert.ok(
        a.offloading.partitions.every(
          (p) =>
            p.latency === null &&
            p.methods.every((m) => m.deadline.length === 0 && m.sweep.length > 0 && m.outage.length > 0),
        ),
      );
      assert.ok(
        !Object.keys(a.figures).some((s) => s.startsWith('missed-deadline') || s === 'exit-costs'),
        'no latency figures',
      );
      assert.ok(a.figures['outage-k1'] && a.figures['on-device-accuracy-k2'], 'cost-free figures drawn');
      // The claims need no costs: all topics are judged for the main method.
      for (const t of [
        'uncalibrated-below-target',
        'calibrated-tracks-target',
        'offloading-probability',
        'outage',
        'missed-deadline',
      ]) {
        assert.ok(
          a.claims.some((c) => c.id === `k1-${t}`),
          `claim k1-${t}`,
        );
      }
      const md = fs.readFileSync(path.join(out, 'REPORT.md'), 'utf8');
      assert.match(md, /## Skipped\n\n- The records have no per-exit costs/);
      assert.match(md, /exits\[\]\.macs, exits\[\]\.trunkMacs, exits\[\]\.splitTensorBytes/);
      assert.ok(!md.includes('NaN') && !md.includes('undefined'), 'no NaN/undefined in the report');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
