import type { ExitRecords } from '../records/types';
import { CALIBRATION_METHODS, calibrateRecords, type CalibrationMethod } from '../calibration/methods';
import type { CalibrationMethodDefinition } from '../calibration/methodDefinition';
import { perExitTemperatureRefit, refitThrough, type RefitKeys } from './stats/refitKeys';
import { describedRefit } from './stats/refitSpec';
import {
  globalTemperatureRefit,
  perBranchTemperatureRefit,
  torchLbfgsRefit,
  type CascadeSubsetOptions,
} from './stats/cascadeRefits';

/** The TS variants whose claims the report judges by default: the paper's per exit, the follow-up's per-branch and global, and the authors' unconverged fit. */
export const CLAIM_METHODS = [
  'temperature',
  'per-branch',
  'global',
  'torch-lbfgs',
] as const satisfies readonly CalibrationMethod[];

/** A method whose claims are judged: its id (a built-in's, or a user's method fitted in the study). */
export type ClaimMethod = string;

/** The built-in methods with a fast per-replicate refit (temperature scalings; the rest refit through `calibrateRecords`). */
type FastMethod = (typeof CLAIM_METHODS)[number];

function isFast(id: string): id is FastMethod {
  return (CLAIM_METHODS as readonly string[]).includes(id);
}

/**
 * The per-replicate refit of a judged method: the built-in TS variants by their fast paths (each
 * reproduces `calibrateRecords`' fit on a resample, tested), any other method — a user's
 * included — by `calibrateRecords` itself on the resampled validation rows, exactly as the
 * study fitted it on all of them.
 */
export function methodRefit(
  method: CalibrationMethodDefinition,
  val: ExitRecords,
  test: ExitRecords,
  subset: CascadeSubsetOptions,
): RefitKeys {
  if (hasFastRefit(method)) {
    const id = method.id as FastMethod;
    // Described, so the bootstrap can rebuild it on worker threads (stats/refitSpec.ts).
    const described = (refit: RefitKeys) => describedRefit(refit, { method: id, subset });
    switch (id) {
      case 'temperature':
        return described(perExitTemperatureRefit(val, test));
      case 'per-branch':
        return described(perBranchTemperatureRefit(val, test, subset));
      case 'global':
        return described(globalTemperatureRefit(val, test, subset));
      case 'torch-lbfgs':
        return described(torchLbfgsRefit(val, test));
    }
  }
  return refitThrough(val, test, (v) => calibrateRecords(v, method, { pTar: subset.pTar, fallback: subset.fallback }));
}

/**
 * Whether `method` is a built-in TS variant with a fast refit (the object itself, not a user's
 * method that borrowed its id). False: each replicate reruns its fit, and progress is shown.
 */
export function hasFastRefit(method: CalibrationMethodDefinition): boolean {
  return isFast(method.id) && method === CALIBRATION_METHODS[method.id];
}

/** Claim id suffix of a method: none for the paper's TS per exit (the report's main method), `:id` otherwise. */
export function claimSuffix(method: ClaimMethod): string {
  return method === 'temperature' ? '' : `:${method}`;
}

/** Whether a method's fit depends on p_tar (per-branch and global: their subsets come from the cascade at p_tar). */
export function isPTarDependent(method: CalibrationMethodDefinition): boolean {
  return method.needsPTar === true;
}
