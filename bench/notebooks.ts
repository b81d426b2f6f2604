/**
 * npm run bench:notebooks [-- PREFIX…] — where a notebook's Restart & Run All time goes, per
 * notebook: kernel start (tslab ready), imports (the first code cell: `import … from "./eecal"`),
 * first figure (the first cell that shows a PNG: includes waiting for the browser), figure rerun
 * (the last figure cell executed again, after all cells ran, in the warm kernel) and the total
 * (kernel start + every cell once, i.e. Restart & Run All without the UI).
 *
 * The kernel is driven by Debian's jupyter_client (spawned /usr/bin/python3), cell by cell, timed
 * in Python from execute request to the kernel's idle status. The load average is printed with the
 * numbers: on a busy machine every figure here is slower than on an idle one.
 * Default notebooks: 03–08 (01 and 02 load datasets and train; pass their prefix to include them).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../src/util/repoRoot';
import { JUPYTER_PYTHON, jupyterEnv, registerKernel } from '../scripts/register-kernel';

/** Timings of one notebook, in seconds (null: the notebook has no such cell). */
export interface NotebookTiming {
  notebook: string;
  kernelStart: number;
  imports: number;
  firstFigure: number | null;
  figureRerun: number | null;
  /** The rerun code cell (1-based among code cells): the notebook's last figure cell. */
  rerunCell: number | null;
  total: number;
  /** Seconds of every code cell, in order (the first is the imports). */
  cells: number[];
  /** Cells that wrote to stderr or failed (the timings are then suspect). */
  errors: string[];
}

/** The Python driver: one JSON line of timings on stdout. */
const DRIVER = String.raw`
import json, sys, time
from jupyter_client.manager import start_new_kernel
nb_path, cwd = sys.argv[1], sys.argv[2]
cells = [''.join(c['source']) if isinstance(c['source'], list) else c['source']
         for c in json.load(open(nb_path))['cells'] if c['cell_type'] == 'code']
t0 = time.perf_counter()
km, kc = start_new_kernel(kernel_name='tslab', cwd=cwd, startup_timeout=120)
kernel_start = time.perf_counter() - t0
def run(code):
    t = time.perf_counter()
    msg_id = kc.execute(code)
    png, err = False, ''
    while True:
        m = kc.get_iopub_msg(timeout=600)
        if m['parent_header'].get('msg_id') != msg_id: continue
        t_, c = m['msg_type'], m['content']
        if t_ in ('display_data', 'execute_result') and 'image/png' in c.get('data', {}): png = True
        if t_ == 'stream' and c.get('name') == 'stderr': err += c.get('text', '')
        if t_ == 'error': err += c.get('ename', '') + ': ' + c.get('evalue', '')
        if t_ == 'status' and c['execution_state'] == 'idle': break
    return time.perf_counter() - t, png, err
times, errors, figs = [], [], []
try:
    for i, code in enumerate(cells):
        dt, png, err = run(code)
        times.append(dt)
        if err: errors.append('code cell %d: %s' % (i + 1, err.strip()[:300]))
        if png: figs.append(i)
    # Rerun the last figure cell: usually a plain show(figure) cell (the first one often also
    # computes the study the figures come from).
    rerun = run(cells[figs[-1]])[0] if figs else None
finally:
    kc.stop_channels(); km.shutdown_kernel(now=True)
print(json.dumps({'kernelStart': kernel_start, 'imports': times[0] if times else 0,
                  'firstFigure': times[figs[0]] if figs else None,
                  'figureRerun': rerun, 'rerunCell': figs[-1] + 1 if figs else None, 'total': kernel_start + sum(times), 'cells': times, 'errors': errors}))
`;

/** Time one notebook in a fresh kernel. */
export function timeNotebook(file: string, root = repoRoot(__dirname)): NotebookTiming {
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-jupyter-'));
  try {
    const r = spawnSync(JUPYTER_PYTHON, ['-c', DRIVER, file, path.dirname(file)], {
      cwd: root,
      env: jupyterEnv(root, { JUPYTER_RUNTIME_DIR: runtime }),
      encoding: 'utf8',
      timeout: 20 * 60_000,
    });
    const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{'))
      throw new Error(
        `${path.basename(file)}: the kernel driver exited ${r.status}: ${(r.stderr ?? '')
          .split('\n')
          .filter((l) => !/Debugger warning|frozen modules|PYDEVD|-Xfrozen|make the debugger|^\s*$/.test(l))
          .slice(-6)
          .join('\n')}`,
      );
    return { notebook: path.basename(file), ...(JSON.parse(line) as Omit<NotebookTiming, 'notebook'>) };
  } finally {
    fs.rmSync(runtime, { recursive: true, force: true });
  }
}

const s = (x: number | null) => (x === null ? '-' : x.toFixed(1)).padStart(7);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function main(): number {
  const root = repoRoot(__dirname);
  const dir = path.join(root, 'notebooks');
  const filters = process.argv.slice(2);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .filter((f) => (filters.length === 0 ? !/^0[12]-/.test(f) : filters.some((p) => f.startsWith(p))));
  if (files.length === 0) {
    console.error(`bench:notebooks: no notebooks in ${dir}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
    return 1;
  }
  registerKernel(root);
  console.log(`bench:notebooks on ${os.cpus().length} CPUs, load average before: ${load()} (1, 5, 15 min)`);
  console.log(
    `${'notebook'.padEnd(34)} ${'kernel'.padStart(7)} ${'imports'.padStart(7)} ${'1st fig'.padStart(7)} ${'fig re'.padStart(7)} ${'total'.padStart(7)}  (seconds)`,
  );
  let failed = 0;
  for (const f of files) {
    try {
      const t = timeNotebook(path.join(dir, f), root);
      console.log(
        `${t.notebook.padEnd(34)} ${s(t.kernelStart)} ${s(t.imports)} ${s(t.firstFigure)} ${s(t.figureRerun)} ${s(t.total)}  (rerun: code cell ${t.rerunCell ?? '-'}; load ${load()})`,
      );
      console.log(`    code cells: ${t.cells.map((c) => c.toFixed(1)).join(' · ')}`);
      for (const e of t.errors) console.log(`    ! ${e}`);
      if (t.errors.length > 0) failed++;
    } catch (err) {
      failed++;
      console.log(`${f.padEnd(34)} FAILED: ${(err as Error).message}`);
    }
  }
  console.log(`load average after: ${load()}`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
