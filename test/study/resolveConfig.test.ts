import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { defaultConfig, resolveConfig } from '../../src/study/config';
import { defaultVerdictSettings } from '../../src/study/stats/verdictSettings';
import { ConfigError } from '../../src/errors';

test('resolveConfig fills every default once: optional fields, nested groups field by field, verdicts', () => {
  const r = resolveConfig();
  assert.equal(r.calibrationSubset, 'final');
  assert.equal(r.refitPerPTar, false);
  assert.deepEqual(r.claimMethods, ['temperature', 'per-branch', 'global', 'torch-lbfgs']);
  assert.deepEqual(r.verdicts, defaultVerdictSettings());
  assert.deepEqual(
    { ...r, calibrationSubset: undefined, refitPerPTar: undefined, claimMethods: undefined, verdicts: undefined },
    {
      ...defaultConfig(),
      calibrationSubset: undefined,
      refitPerPTar: undefined,
      claimMethods: undefined,
      verdicts: undefined,
    },
  );
  const p = resolveConfig({ deadline: { rttMs: 5 } as never, verdicts: { replicates: 500 }, claimMethods: ['global'] });
  assert.equal(p.deadline.rttMs, 5);
  assert.equal(p.deadline.uplinkMbps, 5.85, 'other deadline fields keep their defaults');
  assert.equal(p.verdicts.replicates, 500);
  assert.equal(p.verdicts.alpha, 0.05);
  assert.deepEqual(p.claimMethods, ['global']);
  assert.deepEqual(resolveConfig(p), p, 'idempotent');
  assert.throws(
    () => resolveConfig({ verdicts: { replicates: 3 } }),
    (e: unknown) => e instanceof ConfigError && /verdicts\.replicates = 3/.test((e as Error).message),
  );
});
