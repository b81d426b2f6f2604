import type { ExitRecords } from '../records/types';
import type { CalibrationMethod } from '../calibration/methods';
import { perExitTemperatureRefit, type RefitKeys } from './stats/refitKeys';
import { globalTemperatureRefit, perBranchTemperatureRefit, torchLbfgsRefit, type CascadeSubsetOptions } from './stats/cascadeRefits';

/** The TS variants whose claims the report judges: the paper's per exit, the follow-up's per-branch and global, and the authors' unconverged fit. */
export const CLAIM_METHODS = ['temperature', 'per-branch', 'global', 'torch-lbfgs'] as const satisfies readonly CalibrationMethod[];

/** A method whose claims are judged. */
export type ClaimMethod = (typeof CLAIM_METHODS)[number];

/** The per-replicate refit of a judged method (each the fast path that reproduces `calibrateRecords`' fit on a resample). */
export function methodRefit(method: ClaimMethod, val: ExitRecords, test: ExitRecords, subset: CascadeSubsetOptions): RefitKeys {
  switch (method) {
    case 'temperature': return perExitTemperatureRefit(val, test);
    case 'per-branch': return perBranchTemperatureRefit(val, test, subset);
    case 'global': return globalTemperatureRefit(val, test, subset);
    case 'torch-lbfgs': return torchLbfgsRefit(val, test);
  }
}

/** Claim id suffix of a method: none for the paper's TS per exit (the report's main method), `:id` otherwise. */
export function claimSuffix(method: ClaimMethod): string {
  return method === 'temperature' ? '' : `:${method}`;
}

/** Whether a method's fit depends on p_tar (per-branch and global: their subsets come from the cascade at p_tar). */
export function isPTarDependent(method: ClaimMethod): boolean {
  return method === 'per-branch' || method === 'global';
}
