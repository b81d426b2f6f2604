/**
 * `npm run test:notebooks [-- PREFIX…]`: check and execute every notebooks/*.ipynb on the tslab
 * kernel with Debian Jupyter (`jupyter nbconvert --to notebook --execute`), writing the executed
 * copies to results/notebooks/ (the committed notebooks stay output-free).
 *
 * tslab reports errors as stderr *streams* (not `error` outputs) and nbconvert's message is then
 * empty, so the exit code is not enough: we execute with --allow-errors and inspect every output.
 * A notebook fails when a committed cell has outputs, its first cell is not a title + subtitle,
 * a code cell declares a function/class or loops, any output is a stderr stream or an error, or a
 * code cell has no output (unless tagged "no-output" in its metadata), or a cell imports a local
 * module other than "./eecal" (notebooks/eecal.js: the compiled library, see there).
 * Prints each notebook's wall time (nbconvert, kernel start included) and the load average.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../src/util/repoRoot';
import { jupyterEnv, registerKernel } from './register-kernel';

/** The parts of nbformat 4 this script reads. */
export interface NbCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata?: { tags?: string[] };
  outputs?: NbOutput[];
  execution_count?: number | null;
}
export interface NbOutput {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error';
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
export interface Notebook {
  cells: NbCell[];
  metadata?: { kernelspec?: { name?: string } };
}

const src = (c: NbCell) => (Array.isArray(c.source) ? c.source.join('') : c.source);
const text = (o: NbOutput) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? ''));

/** Rules for a committed (unexecuted) notebook; returns the problems found, empty when it is fine. */
export function checkCommitted(nb: Notebook, name: string): string[] {
  const problems: string[] = [];
  if (nb.metadata?.kernelspec?.name !== 'tslab')
    problems.push(`${name}: kernelspec must be "tslab", found "${nb.metadata?.kernelspec?.name ?? ''}"`);
  const first = nb.cells[0];
  const lines = first
    ? src(first)
        .split('\n')
        .filter((l) => l.trim() !== '')
    : [];
  if (!first || first.cell_type !== 'markdown' || !/^# \S/.test(lines[0] ?? '') || lines.length < 2) {
    problems.push(`${name}: cell 1 must be markdown with a "# Title" line and a one-line subtitle`);
  }
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    if ((c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null)
      problems.push(`${name}: cell ${i + 1} has stored outputs (commit notebooks output-free)`);
    const code = src(c).replace(/\/\/.*$/gm, '');
    if (/(^|[;{}\s])(async\s+)?function[\s*]/.test(code) || /(^|[;{}\s])class\s+\w/.test(code)) {
      problems.push(`${name}: cell ${i + 1} declares a function or class (notebooks only call src/)`);
    }
    if (/(^|[;{}\s])(for|while)\s*\(/.test(code))
      problems.push(`${name}: cell ${i + 1} has a loop (move it into src/)`);
    for (const m of code.matchAll(/\bfrom\s*["'](\.[^"']*)["']/g)) {
      if (m[1] !== './eecal')
        problems.push(
          `${name}: cell ${i + 1} imports "${m[1]}"; notebooks import the library only from "./eecal" (the compiled build, loaded in a second, not src/ compiled in the kernel)`,
        );
    }
  });
  return problems;
}

/**
 * Problems in an executed notebook: stderr streams, error outputs, code cells without output.
 * tslab cancels the cells queued after an error, so empty cells after the first error are
 * reported as one line instead of one line each.
 */
export function checkExecuted(nb: Notebook, name: string): string[] {
  const problems: string[] = [];
  let firstError = -1;
  let abortedAfter = 0;
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    const outs = c.outputs ?? [];
    for (const o of outs) {
      if (o.output_type === 'error')
        problems.push(`${name}: cell ${i + 1} raised ${o.ename ?? 'an error'}: ${o.evalue ?? ''}`);
      if (o.output_type === 'stream' && o.name === 'stderr')
        problems.push(`${name}: cell ${i + 1} wrote to stderr: ${text(o).trim().slice(0, 600)}`);
      if ((o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr')) && firstError < 0)
        firstError = i;
    }
    if (outs.length === 0 && !(c.metadata?.tags ?? []).includes('no-output')) {
      if (firstError >= 0) abortedAfter++;
      else
        problems.push(
          `${name}: cell ${i + 1} produced no output (expected one; tag the cell "no-output" if that is intended)`,
        );
    }
  });
  if (abortedAfter > 0)
    problems.push(
      `${name}: ${abortedAfter} later cell${abortedAfter === 1 ? '' : 's'} produced no output (not run after the error in cell ${firstError + 1})`,
    );
  return problems;
}

/**
 * tslab resolves a relative import inside an imported src file as `<path>.js` only (its
 * executor.js), never `<path>/index.js`, so `import … from '../data'` works under tsc/tsx but
 * fails when tslab compiles src/ itself. Notebooks now load the compiled dist/ through ./eecal,
 * which Node resolves normally, so main() no longer runs this; kept for code that imports src/ in
 * a kernel. Lists such imports (file → specifier) in `srcDir`.
 */
export function directoryImports(srcDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}(?:\/[^']*)?)'/g)) {
          const target = path.resolve(dir, m[1]);
          if (fs.existsSync(target) && fs.statSync(target).isDirectory())
            found.push(`${path.relative(path.dirname(srcDir), p)} imports '${m[1]}' (write '${m[1]}/index')`);
        }
      }
    }
  };
  walk(srcDir);
  return found;
}

/** Counts of output kinds, for the summary line. */
function outputKinds(nb: Notebook): string {
  const n = { png: 0, plotly: 0, html: 0, text: 0 };
  for (const c of nb.cells) {
    for (const o of c.outputs ?? []) {
      if (o.data?.['image/png']) n.png++;
      if (o.data?.['application/vnd.plotly.v1+json']) n.plotly++;
      if (o.data?.['text/html']) n.html++;
      if (o.output_type === 'stream' && o.name === 'stdout') n.text++;
    }
  }
  return `${n.png} png, ${n.plotly} plotly, ${n.html} html, ${n.text} stdout`;
}

/** Execute one notebook into outDir with nbconvert on the tslab kernel. Returns the executed copy's path. */
export function executeNotebook(
  file: string,
  outDir: string,
  root = repoRoot(__dirname),
  timeoutS = 900,
): { out: string; status: number | null; stderr: string } {
  const stem = path.basename(file, '.ipynb');
  fs.mkdirSync(outDir, { recursive: true });
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-jupyter-'));
  try {
    const r = spawnSync(
      'jupyter',
      [
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        '--allow-errors',
        '--ExecutePreprocessor.kernel_name=tslab',
        `--ExecutePreprocessor.timeout=${timeoutS}`,
        '--output-dir',
        outDir,
        '--output',
        stem,
        file,
      ],
      {
        cwd: root,
        env: jupyterEnv(root, { JUPYTER_RUNTIME_DIR: runtime }),
        encoding: 'utf8',
        timeout: (timeoutS + 120) * 1000,
      },
    );
    return { out: path.join(outDir, `${stem}.ipynb`), status: r.status, stderr: r.stderr ?? '' };
  } finally {
    fs.rmSync(runtime, { recursive: true, force: true });
  }
}

function main(): number {
  const root = repoRoot(__dirname);
  const filters = process.argv.slice(2);
  const dir = path.join(root, 'notebooks');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p)));
  if (files.length === 0) {
    console.error(`test:notebooks: no notebooks in ${dir}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
    return 1;
  }
  registerKernel(root);
  // Load the shim once here: it rebuilds dist/ when src/ is newer, which would otherwise be timed
  // as part of the first notebook.
  const shim = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(dir, 'eecal.js'))})`], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (shim.status !== 0) {
    console.error(`test:notebooks: notebooks/eecal.js does not load:\n${shim.stderr}`);
    return 1;
  }
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  const loadBefore = load();
  const outDir = path.join(root, 'results', 'notebooks');
  const summary: string[] = [];
  let failed = 0;
  for (const f of files) {
    const name = path.basename(f);
    const committed = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Notebook;
    const problems = checkCommitted(committed, name);
    const t0 = Date.now();
    let kinds = '-';
    if (problems.length === 0) {
      process.stderr.write(`running ${name} … `);
      const r = executeNotebook(path.join(dir, f), outDir, root);
      if (!fs.existsSync(r.out) || r.status !== 0) {
        problems.push(
          `${name}: nbconvert exited ${r.status}: ${r.stderr
            .split('\n')
            .filter((l) => !/Debugger warning|frozen modules|PYDEVD|^\s*$|-Xfrozen|make the debugger/.test(l))
            .slice(-8)
            .join('\n')}`,
        );
      } else {
        const executed = JSON.parse(fs.readFileSync(r.out, 'utf8')) as Notebook;
        problems.push(...checkExecuted(executed, name));
        kinds = outputKinds(executed);
      }
      process.stderr.write(`${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    const ok = problems.length === 0;
    if (!ok) failed++;
    summary.push(
      `${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(40)} ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${kinds}  (load ${load()})`,
    );
    for (const p of problems) summary.push(`      ${p.replace(/\n/g, '\n      ')}`);
  }
  console.log(
    [
      '',
      `notebook results (executed copies in results/notebooks/); wall time per notebook incl. kernel start, ${os.cpus().length} CPUs, load average (1, 5, 15 min) before: ${loadBefore}`,
      ...summary,
      '',
      `${files.length - failed}/${files.length} notebooks passed`,
    ].join('\n'),
  );
  return failed === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
