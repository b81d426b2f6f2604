/**
 * The one module notebooks import (`import { openStudy, … } from "./eecal"`).
 *
 * It loads the compiled library (dist/src/notebook.js, built by `npm run build`) instead of letting
 * tslab compile src/ inside the kernel, which cost ~17 s per kernel start. Types come from
 * eecal.d.ts beside this file. Source maps are switched on first, so a stack trace from the library
 * names the TypeScript file and line (src/…/x.ts:42), not the compiled JavaScript.
 *
 * When a src/ file is newer than the build (you edited the library), dist/ is rebuilt once here
 * (tsc, ~15-30 s) so a notebook never runs stale code.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

process.setSourceMapsEnabled(true);

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist', 'src');
const entry = path.join(dist, 'notebook.js');

/** Newest modification time (ms) of the .ts files under dir. */
function newestTs(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestTs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
  if (built > 0 && (process.env.EECAL_NOTEBOOK_REBUILD === '0' || newestTs(path.join(root, 'src')) <= built)) return;
  // The compiler `npm run build` runs: the project's typescript package (node_modules/.bin/tsc is
  // tslab's bundled, older TypeScript, whose bin name shadows it).
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  console.log(
    built === 0
      ? 'dist/ is missing: building the library (npm run build) …'
      : 'src/ changed since the last build: rebuilding dist/ (npm run build) …',
  );
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    throw new Error(
      `npm run build failed, fix these errors and rerun the cell:\n${err.stdout || ''}${err.stderr || err.message}`,
      { cause: err },
    );
  }
}

ensureBuilt();
// In a tslab kernel, a failed cell shows eecal's one-line message instead of a source excerpt and
// vm/tslab frames (EECAL_DEBUG=1 keeps the full stack); installed before the library can throw.
if (require(path.join(dist, 'plots', 'display', 'notebook.js')).inTslabKernel()) {
  require(path.join(dist, 'plots', 'display', 'kernelErrors.js')).installBriefKernelErrors();
}
const lib = require(entry);

/**
 * Model, data and training entry points (notebooks 01 and 02). They load tfjs, so they are loaded
 * on first use only: the analysis notebooks never pay for tfjs.
 */
const LAZY = {
  selectBackend: 'backend/selectBackend',
  loadDataset: 'data/loadDataset',
  summarizeDataset: 'data/summary',
  formatSummary: 'data/summary',
  buildArchitecture: 'models/registry',
  computeExitCosts: 'models/exitCosts',
  renderExitCosts: 'plots/exitCostsFigure',
  readModelManifest: 'records/modelFolder',
  readSidecar: 'records/csv',
  openTrainingData: 'train/datasetAdapter',
  initialState: 'train/trainer',
  trainEarlyExit: 'train/trainer',
  lossWeights: 'train/lossWeights',
};

const api = { ...lib };
for (const [name, mod] of Object.entries(LAZY)) {
  Object.defineProperty(api, name, { enumerable: true, get: () => require(path.join(dist, mod + '.js'))[name] });
}
module.exports = api;
