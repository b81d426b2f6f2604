import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors';
import { checkMethodShape, perExitMethod, type CalibrationMethodDefinition } from '../calibration/methodDefinition';
import { isCalibrationMethod } from '../calibration/methods';

/** What `--method-module FILE` expects, for help texts and errors. */
export const METHOD_MODULE_CONTRACT =
  'an ES module whose default export is { id, label, fit(logits, labels, numClasses) } returning (logits) => calibrated logits';

// The CLI is compiled to CommonJS, where `import()` would become `require()` and could not load an
// ES module: keep a real dynamic import.
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<Record<string, unknown>>;

/**
 * Load a method module (`eecal reproduce --method-module FILE`): an ES module (or CommonJS) whose
 * default export is `{ id, label, fit(logits, labels, numClasses) }`, `logits` being one exit's
 * validation logits (row-major N×C Float64Array), `labels` an Int32Array, and `fit` returning a
 * function from an M×C Float64Array of logits to calibrated logits; it is fitted per exit.
 * Every problem is a one-line ConfigError naming `--method-module FILE`.
 */
export async function loadMethodModule(file: string): Promise<CalibrationMethodDefinition> {
  const where = `--method-module ${file}`;
  const abs = path.resolve(file);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) throw new ConfigError(`${where}: file not found (expected ${METHOD_MODULE_CONTRACT})`);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(pathToFileURL(abs).href);
  } catch (err) {
    throw new ConfigError(`${where}: cannot be loaded: ${String((err as Error)?.message ?? err).split('\n')[0]}`, { cause: err });
  }
  const def = (mod && 'default' in mod ? mod.default : mod) as unknown;
  try {
    checkMethodShape(def, where, 'per-exit');
  } catch (err) {
    throw new ConfigError((err as Error).message, { cause: err });
  }
  const id = (def as { id: string }).id;
  if (isCalibrationMethod(id) || id === 'uncalibrated') {
    throw new ConfigError(`${where}: id "${id}" is a built-in method's; choose another (ids key claims: k1-outage:${id})`);
  }
  return perExitMethod(def as Parameters<typeof perExitMethod>[0]);
}

/** Load every `--method-module` (repeatable); two modules with one id are refused. */
export async function loadMethodModules(files: readonly string[]): Promise<CalibrationMethodDefinition[]> {
  const out: CalibrationMethodDefinition[] = [];
  for (const f of files) {
    const m = await loadMethodModule(f);
    const twin = out.find((o) => o.id === m.id);
    if (twin) throw new ConfigError(`--method-module ${f}: id "${m.id}" is already used by another --method-module`);
    out.push(m);
  }
  return out;
}
