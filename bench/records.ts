/**
 * Peak memory of reading a large exit-records CSV with the streaming reader: 10 M rows × 3 exits ×
 * 10 classes by default (≈ 2.4 GB of float64 logits), generated under /tmp and read back. Prints
 * the file size, read time and the process's peak RSS (target ≤ 4 GB). Takes minutes.
 *   npm run bench:records [-- ROWS]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRecords, recordsHeader } from '../src/records/csv';
import { writeFileAtomic } from '../src/util/atomicWrite';

const rows = Number(process.argv[2] ?? 10_000_000);
const E = 3;
const C = 10;
const file = path.join(os.tmpdir(), `eecal-bench-records-${rows}.csv`);
const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

if (!fs.existsSync(file)) {
  const t0 = Date.now();
  writeFileAtomic(file, (write) => {
    write(recordsHeader(E, C).join(',') + '\n');
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 20 - 10;
    for (let start = 0; start < rows; start += 10_000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(rows, start + 10_000); i++) {
        const cells = [String(i % C)];
        for (let j = 0; j < E * C; j++) cells.push(rand().toFixed(4));
        lines.push(cells.join(','));
      }
      write(lines.join('\n') + '\n');
    }
  });
  console.log(`generated ${file} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
console.log(`file ${gib(fs.statSync(file).size)}, ${rows} rows × ${E} exits × ${C} classes`);
const t0 = Date.now();
const r = readRecords(file);
const secs = (Date.now() - t0) / 1000;
const peak = process.resourceUsage().maxRSS * 1024;
console.log(
  `read ${r.numSamples} rows in ${secs.toFixed(1)} s; peak RSS ${gib(peak)} (target ≤ 4 GiB): ${peak <= 4 * 2 ** 30 ? 'ok' : 'OVER'}`,
);
console.log(`(delete ${file} when done)`);
