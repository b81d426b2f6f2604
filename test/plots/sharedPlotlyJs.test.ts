import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureSharedPlotlyJs } from '../../src/plots/export/saveFigure';

test('the shared plotly.js copy is checked once per folder, and rewritten when it changed on disk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eecal-shared-js-'));
  try {
    const js = '/* plotly stand-in */ var Plotly = {};';
    const file = ensureSharedPlotlyJs(dir, js);
    assert.equal(fs.readFileSync(file, 'utf8'), js);
    const written = fs.statSync(file).mtimeMs;
    assert.equal(ensureSharedPlotlyJs(dir, js), file);
    assert.equal(fs.statSync(file).mtimeMs, written, 'an unchanged copy is not rewritten');
    // Someone replaced it (same size, other bytes): the next figure restores the source.
    fs.writeFileSync(file, js.replace('stand-in', 'stand_in'));
    ensureSharedPlotlyJs(dir, js);
    assert.equal(fs.readFileSync(file, 'utf8'), js);
    // Another source for the same folder is written too.
    const other = js + '\n// v2';
    ensureSharedPlotlyJs(dir, other);
    assert.equal(fs.readFileSync(file, 'utf8'), other);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
