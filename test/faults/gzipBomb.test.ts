import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { gzipSource } from '../../src/records/lineSource';
import { root } from './cli';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-gz-'));
/** 16 MiB of zeros as one gzip member (about 16 KB); members concatenate into one valid gzip file. */
const zeros = zlib.gzipSync(Buffer.alloc(16 << 20), { level: 1 });

test('a gzip bomb of zeros is refused from its first bytes, without decompressing it (peak memory checked)', () => {
  const dir = tmp();
  const bomb = path.join(dir, 'bomb.csv.gz');
  fs.writeFileSync(bomb, Buffer.concat(Array(32).fill(zeros))); // 512 MiB decompressed
  const script = `const { readRecords } = require(${JSON.stringify(path.join(root, 'src/records/csv.ts'))});
    try { readRecords(${JSON.stringify(bomb)}); } catch (e) { console.log(e.message); }
    console.log('rss', process.resourceUsage().maxRSS * 1024);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    encoding: 'utf8',
    cwd: root,
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /bomb\.csv\.gz: the decompressed data does not start with a records header "label,exit1_logit0,…"/,
  );
  const rss = Number(/rss (\d+)/.exec(r.stdout)?.[1]);
  assert.ok(rss < 300 * 2 ** 20, `peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB: the bomb was decompressed`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('behind a valid header, decompression stops at the size bound with a one-line error', () => {
  const dir = tmp();
  const file = path.join(dir, 'big.csv.gz');
  fs.writeFileSync(file, Buffer.concat([zlib.gzipSync('label,exit1_logit0,exit1_logit1\n0,1,2\n'), zeros]));
  let head = '';
  assert.throws(
    () =>
      gzipSource(
        file,
        (h) => {
          head = h;
        },
        1 << 20,
      ),
    /big\.csv\.gz: decompresses to more than 1048576 bytes \(a gzip bomb, or records too large for gzip/,
  );
  assert.equal(head, 'label,exit1_logit0,exit1_logit1');
  fs.rmSync(dir, { recursive: true, force: true });
});
