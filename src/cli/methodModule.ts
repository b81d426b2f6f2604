import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors';
import { checkMethodShape, perExitMethod, type CalibrationMethodDefinition } from '../calibration/methodDefinition';
import { calibrateRecords, isCalibrationMethod } from '../calibration/methods';
import type { FittedCalibration } from '../calibration/applyCalibration';
import type { ExitRecords } from '../records/types';
import { readRecords } from '../records/csv';

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
  if (!fs.existsSync(abs) || !fs.statSync(abs).isFile())
    throw new ConfigError(`${where}: file not found (expected ${METHOD_MODULE_CONTRACT})`);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(pathToFileURL(abs).href);
  } catch (err) {
    throw new ConfigError(`${where}: cannot be loaded: ${String((err as Error)?.message ?? err).split('\n')[0]}`, {
      cause: err,
    });
  }
  const def = (mod && 'default' in mod ? mod.default : mod) as unknown;
  try {
    checkMethodShape(def, where, 'per-exit');
  } catch (err) {
    throw new ConfigError((err as Error).message, { cause: err });
  }
  const id = (def as { id: string }).id;
  if (isCalibrationMethod(id) || id === 'uncalibrated') {
    throw new ConfigError(
      `${where}: id "${id}" is a built-in method's; choose another (ids key claims: k1-outage:${id})`,
    );
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

/** Help lines of `--method-module FILE --fit-records val.csv` for the commands that evaluate records. */
export const MODULE_EVAL_HELP = `  --method-module FILE      calibrate with your method instead of --calibration: ${METHOD_MODULE_CONTRACT};
                            fitted per exit on --fit-records
  --fit-records FILE.csv    validation records to fit --method-module on (same exits and classes)`;

/**
 * The calibration of a command that evaluates records (`metrics`, `sweep`): a user's method
 * fitted on `--fit-records` when `--method-module` is given (null otherwise). One-line usage
 * errors for a missing or conflicting flag and for records that do not match.
 */
export async function moduleCalibration(
  v: { 'method-module'?: string; 'fit-records'?: string; calibration?: string },
  records: Pick<ExitRecords, 'numExits' | 'numClasses'>,
): Promise<{ calibration: FittedCalibration; path: string } | null> {
  const file = v['method-module'];
  if (file === undefined) {
    if (v['fit-records'] !== undefined)
      throw new ConfigError('--fit-records is for --method-module (the validation records to fit it on)');
    return null;
  }
  if (v.calibration !== undefined) throw new ConfigError('--calibration and --method-module: give one of them');
  if (v['fit-records'] === undefined)
    throw new ConfigError(`--method-module ${file} needs --fit-records val.csv (the validation records to fit it on)`);
  const method = await loadMethodModule(file);
  const val = readRecords(v['fit-records']);
  if (val.numExits !== records.numExits || val.numClasses !== records.numClasses) {
    throw new ConfigError(
      `--fit-records ${v['fit-records']}: ${val.numExits} exits × ${val.numClasses} classes, but --records has ${records.numExits} × ${records.numClasses}`,
    );
  }
  return { calibration: calibrateRecords(val, method), path: `--method-module ${file}` };
}
