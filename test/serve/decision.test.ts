import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RiskDecisionFile } from '../../src/offloading/riskDecisionFile';
import { eecal } from '../faults/cli';
import { MODEL_DIR, spawnServe } from './servePair';

/** A decision file of `eecal threshold --out`, written by hand with a known threshold and k. */
function decisionFile(dir: string, threshold: number | null, k: number): string {
  const d: RiskDecisionFile = {
    format: 'eecal-decision',
    version: 1,
    method: 'risk-control',
    threshold,
    k,
    target: 0.9,
    delta: 0.05,
    validationOffloadProbability: threshold === null ? null : 0.2,
    provenance: {
      records: 'val.csv',
      recordsSha256: '0'.repeat(64),
      numSamples: 5000,
      calibration: null,
      calibrationSha256: null,
      grid: [0.5, 0.9],
      orderingSize: 1250,
      testingSize: 3750,
      seed: 0,
      eecalVersion: 'test',
    },
  };
  const file = path.join(dir, `decision-${k}-${threshold}.json`);
  fs.writeFileSync(file, JSON.stringify(d));
  return file;
}

test('serve edge --decision applies the certified threshold and k', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-decision-'));
  const file = decisionFile(dir, 0.937, 1);
  // The edge does not call the cloud before a request needs it: an unused port is enough here.
  const edge = await spawnServe([
    'edge',
    '--model',
    MODEL_DIR,
    '--cloud',
    'http://127.0.0.1:9',
    '--port',
    '0',
    '--decision',
    file,
  ]);
  try {
    const health = (await (await fetch(`${edge.url}/health`)).json()) as { pTar: number; edgeExits: number };
    assert.equal(health.pTar, 0.937);
    assert.equal(health.edgeExits, 1);
  } finally {
    edge.child.kill('SIGTERM');
    await edge.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('serve edge --decision refuses --p-tar beside it, another k, and a file that certifies nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-decision-'));
  try {
    const base = ['serve', 'edge', '--model', MODEL_DIR, '--cloud', 'http://127.0.0.1:9', '--port', '0'];
    const both = eecal([...base, '--decision', decisionFile(dir, 0.9, 1), '--p-tar', '0.8']);
    assert.equal(both.status, 2, both.stderr);
    assert.match(both.stderr, /--decision .* and --p-tar are exclusive/);
    const otherK = eecal([...base, '--decision', decisionFile(dir, 0.9, 2), '--edge-exits', '1']);
    assert.equal(otherK.status, 2, otherK.stderr);
    assert.match(otherK.stderr, /certified for k = 2/);
    const none = eecal([...base, '--decision', decisionFile(dir, null, 1)]);
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /no threshold could be certified/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
