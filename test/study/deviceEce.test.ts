import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { plantedRecords } from './plantedRecords';
import { scoreRecords } from '../../src/calibration/index';
import { keysFromScores } from '../../src/cascade/cascadeKeys';
import { runCascade } from '../../src/cascade/runCascade';
import { ece } from '../../src/metrics/calibrationError';
import { deviceEceVsPTar } from '../../src/study/deviceEce';

test('ECE of the device-kept samples vs p_tar equals runCascade + ece on the kept samples at every threshold', () => {
  const r = plantedRecords({ numSamples: 3000, seed: 7, sharpen: 2 });
  const scores = scoreRecords(r);
  const keys = keysFromScores(scores, r.labels);
  const grid = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.999999];
  for (const k of [1, 2]) {
    const rows = deviceEceVsPTar(
      keys,
      grid,
      { edgeExits: k, fallback: 'final' },
      { bins: 15, replicates: 50, seed: 1 },
    );
    for (const row of rows) {
      const c = runCascade(scores, { edgeExits: k, pTar: row.pTar });
      const conf: number[] = [];
      const ok: number[] = [];
      for (let i = 0; i < r.numSamples; i++) {
        if (!c.onDevice[i]) continue;
        const e = c.answeringExit[i];
        conf.push(scores[e].confidence[i]);
        ok.push(scores[e].prediction[i] === r.labels[i] ? 1 : 0);
      }
      assert.equal(row.deviceSamples, conf.length, `k=${k} p_tar ${row.pTar}: kept`);
      if (conf.length === 0) {
        assert.equal(row.ece, null);
        continue;
      }
      const want = ece(Float64Array.from(conf), Uint8Array.from(ok), { bins: 15 });
      assert.ok(Math.abs((row.ece as number) - want) < 1e-12, `k=${k} p_tar ${row.pTar}: ${row.ece} vs ${want}`);
      if (conf.length > 200)
        assert.ok(row.ciLow !== null && row.ciHigh !== null && row.ciLow <= row.ciHigh && row.ciHigh > 0);
    }
  }
});

test('overconfident records (×2.5): the device-kept samples show a large ECE at p_tar 0.6', () => {
  const r = plantedRecords({ numSamples: 3000, seed: 8, sharpen: 2.5 });
  const keys = keysFromScores(scoreRecords(r), r.labels);
  const [row] = deviceEceVsPTar(
    keys,
    [0.6],
    { edgeExits: 1, fallback: 'final' },
    { bins: 15, replicates: 30, seed: 1 },
  );
  assert.ok((row.ece as number) > 0.05, `ECE ${row.ece}`);
});
