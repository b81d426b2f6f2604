/**
 * `npm run bench:decode` — image decode throughput (images/s) for the CIFAR-10 JPEG archive
 * (--archive PATH, else $EECAL_DATA: the archive or a folder holding cifar10-jpeg.tar.gz).
 *
 * Baseline, in the same process: one streaming pass over the archive (gunzip + tar) that collects
 * the test-split entry bytes without decoding them. Then: jpeg-js alone on those in-memory bytes,
 * and the full loader (`loadImageFolder(archive, { sets: ['test'] })`: list pass + read pass +
 * decode + copy into the uint8 HWC buffer). Ratios are against the baseline's images/s.
 * With --full: all 60,000 images, uncached, then the decoded-image cache (written to a temp
 * folder) and a cached reload. The load average is printed: the machine is shared.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jpeg from 'jpeg-js';
import { forEachEntry } from '../src/data/tarSource';
import { loadImageFolder } from '../src/data/imageFolder';
import { loadImageFolderCached } from '../src/data/decodedCache';

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
/** --archive, else $EECAL_DATA (the archive, or a folder holding cifar10-jpeg.tar.gz); null if neither is given. */
function archiveFromArgs(): string | null {
  const given = argValue('--archive') ?? process.env.EECAL_DATA;
  if (!given) return null;
  return fs.existsSync(given) && fs.statSync(given).isDirectory() ? path.join(given, 'cifar10-jpeg.tar.gz') : given;
}
const archive = archiveFromArgs();

/** Wall seconds and process CPU seconds of an async step. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

function row(label: string, images: number, t: { wall: number; cpu: number }, baseline?: number): void {
  const rate = images / t.wall;
  const ratio = baseline ? `  ${(rate / baseline).toFixed(3)}× baseline` : '';
  console.log(
    `${label.padEnd(44)} ${images.toString().padStart(6)} img  ${t.wall.toFixed(2).padStart(7)} s  ${Math.round(rate).toString().padStart(8)} img/s  cpu/wall ${(t.cpu / t.wall).toFixed(2)}${ratio}`,
  );
}

async function main(): Promise<void> {
  if (archive === null || !fs.existsSync(archive)) {
    const where = archive === null ? 'no archive given' : `CIFAR-10 archive not found at ${archive}`;
    console.log(`bench:decode skipped: ${where} (set EECAL_DATA or pass --archive PATH)`);
    return;
  }
  console.log(`bench:decode  ${archive}`);
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );

  const io = await timed(async () => {
    const bytes: Buffer[] = [];
    await forEachEntry(
      archive,
      (name, type) => type === 'file' && /^(.*\/)?test\/[^/]+\/[^/]+\.(jpe?g|png)$/i.test(name),
      (_n, b) => bytes.push(b),
    );
    return bytes;
  });
  const n = io.value.length;
  const base = n / io.wall;
  row('baseline: gunzip + tar pass, no decode', n, io);

  const dec = await timed(async () => {
    for (const b of io.value) jpeg.decode(b, { useTArray: true, formatAsRGBA: false });
  });
  row('jpeg-js decode only (bytes in memory)', n, dec, base);

  const full = await timed(() => loadImageFolder(archive, { sets: ['test'] }));
  row('loader, test split (list + read + decode)', full.value.sets.test!.count, full, base);

  if (args.includes('--full')) {
    const all = await timed(() => loadImageFolder(archive));
    row('loader, train + test, no cache', all.value.sets.train!.count + all.value.sets.test!.count, all, base);
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-bench-cache-'));
    try {
      const write = await timed(() => loadImageFolderCached(archive, {}, cacheDir));
      row('loader + cache write (cold)', 60000, write, base);
      const hit = await timed(() => loadImageFolderCached(archive, {}, cacheDir));
      if (!hit.value.fromCache) throw new Error('expected a cache hit');
      row('cached reload (decoded arrays from disk)', 60000, hit, base);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  } else {
    console.log('\n(--full also times all 60,000 images, the cache write and a cached reload)');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
