/**
 * Wall time, CPU time and peak RSS of `eecal reproduce` (the default analysis of both shipped
 * models, B = 1,000, every figure) into a temporary folder, run as a child process of the built CLI
 * (`npm run build` first). CPU time is the whole process tree's (Chromium included), read from this
 * process's children times in /proc/self/stat, so it stays meaningful on a loaded machine where wall
 * time is inflated. With --replicates-check it first runs with a quarter of the verdict replicates:
 * the peak RSS must not grow with B.
 *   npm run bench:reproduce [-- --replicates-check] [-- other reproduce options]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(cli)) {
  console.error('bench:reproduce: dist/ is missing; run `npm run build` first');
  process.exit(3);
}
const argv = process.argv.slice(2);
const check = argv.includes('--replicates-check');
const extra = argv.filter((a) => a !== '--replicates-check');

/** CPU seconds of this process's waited-for children (the whole tree once reaped), Linux only. */
function childrenCpuSeconds(): number | null {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime) are 14 and 15 after the command name, in clock ticks.
    const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    return (Number(fields[13]) + Number(fields[14])) / ticks;
  } catch {
    return null;
  }
}

/** The child: run the CLI, then report its own peak RSS and CPU time on fd 3. */
const CHILD = `
const { main } = require(${JSON.stringify(cli)});
const fs = require('node:fs');
main(process.argv.slice(1)).then((code) => {
  const u = process.resourceUsage();
  fs.writeSync(3, JSON.stringify({ code, maxRssKiB: u.maxRSS, cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6 }));
  process.exitCode = code;
});`;

interface Run {
  label: string;
  wallS: number;
  treeCpuS: number | null;
  nodeCpuS: number;
  peakRssMiB: number;
}

function run(label: string, args: string[]): Run {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-bench-reproduce-'));
  const cpu0 = childrenCpuSeconds();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', CHILD, 'reproduce', '--out', out, '--no-reproduction', ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = childrenCpuSeconds();
  fs.rmSync(out, { recursive: true, force: true });
  const report = typeof r.output[3] === 'string' && r.output[3] ? JSON.parse(r.output[3]) : null;
  if (r.status !== 0 || !report) {
    console.error(`bench:reproduce: eecal reproduce ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(3);
  }
  return {
    label,
    wallS,
    treeCpuS: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
    nodeCpuS: report.cpuS,
    peakRssMiB: report.maxRssKiB / 1024,
  };
}

const runs: Run[] = [];
if (check) runs.push(run('B = 250', ['--verdict-replicates', '250', ...extra]));
runs.push(run(`default${extra.length ? ` ${extra.join(' ')}` : ''} (B = 1,000)`, extra));
console.log(
  `\neecal reproduce on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average ${os.loadavg()[0].toFixed(1)}:`,
);
for (const r of runs) {
  console.log(
    `  ${r.label}: wall ${r.wallS.toFixed(1)} s, CPU ${r.treeCpuS === null ? 'n/a' : r.treeCpuS.toFixed(1)} s (process tree; eecal's own ${r.nodeCpuS.toFixed(1)} s), peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
  );
}
if (os.loadavg()[0] > os.cpus().length)
  console.log('  (the machine is loaded: wall time is inflated; compare CPU time)');
