import type { RefitKeys } from './refitKeys';
import type { CascadeSubsetOptions } from './cascadeRefits';

/**
 * How to rebuild a built-in refit from the records alone: its method and subset rule. A worker
 * thread cannot receive a closure, so the bootstrap's replicates run on other threads only for
 * refits described this way (the built-in TS variants); any other refit runs on this thread.
 */
export interface RefitSpec {
  method: 'temperature' | 'per-branch' | 'global' | 'torch-lbfgs';
  subset: CascadeSubsetOptions;
}

const specs = new WeakMap<RefitKeys, RefitSpec>();

/** Mark `refit` as the built-in refit `spec` rebuilds (what `methodRefit` returns for the TS variants). */
export function describedRefit(refit: RefitKeys, spec: RefitSpec): RefitKeys {
  specs.set(refit, spec);
  return refit;
}

/** The spec of a described refit; null for any other function (a user's method, a wrapper). */
export function refitSpecOf(refit: RefitKeys): RefitSpec | null {
  return specs.get(refit) ?? null;
}
