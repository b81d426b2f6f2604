import * as fs from 'node:fs';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import { repoRoot } from '../../src/util/repoRoot';

/**
 * Golden-JSON snapshot check (attw style): compares `value` (after a JSON round trip) with
 * test/plots/__snapshots__/<name>.json. UPDATE_SNAPSHOTS=1 rewrites the file; a missing file is a
 * failure otherwise, so a snapshot is never silently created by a normal test run.
 */
export function matchSnapshot(name: string, value: unknown): void {
  const file = path.join(repoRoot(__dirname), 'test', 'plots', '__snapshots__', `${name}.json`);
  const actual = JSON.parse(JSON.stringify(value)) as unknown;
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(actual, null, 1) + '\n');
    return;
  }
  assert.ok(fs.existsSync(file), `snapshot ${file} is missing; run with UPDATE_SNAPSHOTS=1 to create it`);
  assert.deepEqual(
    actual,
    JSON.parse(fs.readFileSync(file, 'utf8')),
    `figure JSON differs from snapshot ${name}.json (UPDATE_SNAPSHOTS=1 to accept)`,
  );
}
